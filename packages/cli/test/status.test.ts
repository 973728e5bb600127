import { setTimeout as sleep } from 'node:timers/promises'
import { deliverPendingAlerts, type RunRecord, silentLogger } from '@cronwarden/core'
import { createSupabaseStore, migrate } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli, runCliOnTerminal, scriptAvailable } from './support/cli.js'
import { type CaseFolder, createCaseFolder } from './support/config-case.js'
import {
  acceptingNotifier,
  crashingAfterFinish,
  fail,
  failingNotifier,
  ok,
  seedRuns,
  startLongRun,
} from './support/seed.js'

const available = await serverAvailable()

interface StatusJson {
  healthy: boolean
  jobs: Array<{
    job_name: string
    recent_runs: Array<{ status: string }>
    consecutive_failure_count: number
    last_success_at: string | null
    down_since: string | null
    running: Array<{ run_id: string; host: string | null; started_at: string; lease_expires_at: string | null }>
    alerts: { pending: number; failed: number; expired: number }
    problems: string[]
  }>
}

const ESCAPE = '\x1b['

/** The jobs beforeAll seeds, by name. */
const seededJobs = [
  'assignment-follow-up-reminders',
  'healthy-export',
  'invoice-sync',
  'nightly-billing',
  'report-export',
  'weekly-digest',
]

// Every test only reads what beforeAll seeded, so they run concurrently.
describe.skipIf(!available).concurrent('status on the PostgreSQL server', () => {
  let database: TestDatabase
  let folder: CaseFolder
  let longRun: { finish(): Promise<void> } | undefined
  let downRuns: RunRecord[]

  beforeAll(async () => {
    ;[database, folder] = await Promise.all([createTestDatabase({ migrate }), createCaseFolder()])
    const db = database.sql
    await Promise.all([
      // 25 successes: the strip shows the last 20.
      seedRuns(
        db,
        'healthy-export',
        Array.from({ length: 25 }, () => ok({ rows: 10 })),
      ),
      // Down, and its alert went out.
      seedRuns(db, 'assignment-follow-up-reminders', [ok(), fail('push service answered 503'), fail('timeout')], {
        notifiers: [acceptingNotifier('slack')],
      }),
      // Down, and its alert is retrying after the channel failed.
      seedRuns(db, 'nightly-billing', [fail('card processor down'), fail('card processor down')], {
        notifiers: [failingNotifier('pager')],
      }),
      // Down, and its caller crashed before sending: the alert waits, never attempted.
      seedRuns(db, 'weekly-digest', [fail('smtp relay refused')], {
        store: crashingAfterFinish(db),
        notifiers: [acceptingNotifier('slack')],
        failureThreshold: 1,
      }),
      // Recovered, but the alert of its streak expired undelivered: nobody was told.
      seedRuns(db, 'invoice-sync', [fail('api 500'), fail('api 500')], {
        notifiers: [failingNotifier('pager')],
        alertTtlMs: 1,
        retryDelayMs: 1,
      }),
    ])
    await sleep(20)
    await deliverPendingAlerts({
      store: createSupabaseStore({ db }),
      notifiers: [failingNotifier('pager')],
      jobs: ['invoice-sync'],
      logger: silentLogger,
    })
    await seedRuns(db, 'invoice-sync', [ok()])
    // Running right now, on a worker, holding the lease.
    longRun = await startLongRun(db, 'report-export', { host: 'worker-7' })
    downRuns = await createSupabaseStore({ db }).listRuns({ jobName: 'assignment-follow-up-reminders' })
  })
  afterAll(async () => {
    await longRun?.finish()
    await Promise.all([database?.drop(), folder?.remove()])
  })

  const status = (args: string[] = [], env: Record<string, string> = {}) =>
    runCli(['status', ...args], { cwd: folder.dir, env: { DATABASE_URL: database.url, ...env } })

  const jobLine = (stdout: string, jobName: string) => stdout.split('\n').find((line) => line.startsWith(`${jobName} `))

  it('prints one line per job and exits 1 when a job is down or an alert is undelivered', async () => {
    const result = await status()
    expect(result.code).toBe(1)
    for (const job of seededJobs)
      expect(result.stdout.split('\n').filter((line) => line.startsWith(`${job} `))).toHaveLength(1)
    expect(result.stdout).toContain('4 of 6 jobs need attention.')
    expect(result.stdout).toContain('✓ succeeded  ✗ failed')
    expect(result.stderr).toBe('')
  })

  it('exits 0 as a health check when the jobs asked about are healthy, a running one included', async () => {
    const result = await status(['healthy-export', 'report-export'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('All 2 jobs healthy.')
    expect(result.stdout).not.toContain('assignment-follow-up-reminders')
  })

  it('exits 1 naming a job asked about that has no record, so a misspelt health check never passes', async () => {
    const [text, json] = await Promise.all([
      status(['healthy-export', 'healthy-exprot']),
      status(['healthy-export', 'healthy-exprot', '--json']),
    ])
    expect(text.code).toBe(1)
    expect(text.stdout).toContain('healthy-export')
    expect(text.stderr).toContain('healthy-exprot')
    expect(text.stdout).toContain('1 of 2 jobs need attention.')
    expect(json.code).toBe(1)
    expect(parseJsonOutput(json)).toMatchObject({ healthy: false, unknown_jobs: ['healthy-exprot'] })
  })

  it('shows the last 20 runs as a strip, one cell per run by status, oldest on the left', async () => {
    const result = await status()
    const healthy = jobLine(result.stdout, 'healthy-export')
    expect(healthy).toContain('✓'.repeat(20))
    expect(healthy).not.toContain('✓'.repeat(21))
    expect(jobLine(result.stdout, 'assignment-follow-up-reminders')).toContain(' ✓✗✗ ')
    expect(jobLine(result.stdout, 'report-export')).toContain(' ~ ')

    const short = parseJsonOutput<StatusJson>(await status(['healthy-export', '--runs', '5', '--json']))
    expect(short.jobs[0]?.recent_runs).toHaveLength(5)
  })

  it('shows the streak, the last success and since when a down job is down', async () => {
    const [second, first, success] = downRuns
    const result = await status(['assignment-follow-up-reminders', '--json'])
    expect(result.code).toBe(1)
    const [job] = parseJsonOutput<StatusJson>(result).jobs
    expect(job).toMatchObject({
      job_name: 'assignment-follow-up-reminders',
      consecutive_failure_count: 2,
      down_since: first?.started_at,
      last_success_at: success?.finished_at,
      alerts: { pending: 0, failed: 0, expired: 0 },
      problems: ['down'],
    })
    expect(job?.recent_runs.map((run) => run.status)).toEqual(['succeeded', 'failed', 'failed'])
    expect(second?.status).toBe('failed')

    const line = jobLine((await status()).stdout, 'assignment-follow-up-reminders')
    expect(line).toMatch(/ 2 /)
    expect(line).toContain(`${first?.started_at.slice(0, 10)} ${first?.started_at.slice(11, 19)} UTC`)
    expect(line).toContain(`${success?.finished_at?.slice(0, 10)} ${success?.finished_at?.slice(11, 19)} UTC`)
  })

  it('shows the run running now with its holder and lease', async () => {
    const result = await status(['report-export', '--json'])
    const [job] = parseJsonOutput<StatusJson>(result).jobs
    expect(job?.running).toEqual([
      expect.objectContaining({ run_id: expect.any(String), host: 'worker-7', lease_expires_at: expect.any(String) }),
    ])
    expect(Date.parse(job?.running[0]?.lease_expires_at ?? '')).toBeGreaterThan(Date.now() - 1_000)

    const line = jobLine((await status()).stdout, 'report-export')
    expect(line).toContain(`${job?.running[0]?.run_id} on worker-7`)
    expect(line).toContain('lease until')
  })

  it('counts alerts pending, failed and expired, each making the job need attention', async () => {
    const result = await status(['weekly-digest', 'nightly-billing', 'invoice-sync', '--json'])
    expect(result.code).toBe(1)
    const jobs = Object.fromEntries(parseJsonOutput<StatusJson>(result).jobs.map((job) => [job.job_name, job]))
    expect(jobs['weekly-digest']).toMatchObject({
      alerts: { pending: 1, failed: 0, expired: 0 },
      problems: ['down', 'alert undelivered'],
    })
    expect(jobs['nightly-billing']).toMatchObject({
      alerts: { pending: 0, failed: 1, expired: 0 },
      problems: ['down', 'alert undelivered'],
    })
    expect(jobs['invoice-sync']).toMatchObject({
      consecutive_failure_count: 0,
      down_since: null,
      alerts: { pending: 0, failed: 0, expired: 1 },
      problems: ['alert expired'],
    })

    const text = (await status()).stdout
    expect(jobLine(text, 'weekly-digest')).toContain('1 pending')
    expect(jobLine(text, 'nightly-billing')).toContain('1 failed')
    expect(jobLine(text, 'invoice-sync')).toContain('1 expired')
  })

  it('prints one JSON document and nothing else on stdout with --json', async () => {
    const result = await status(['--json'])
    expect(result.code).toBe(1)
    const parsed = parseJsonOutput<StatusJson>(result)
    expect(parsed.healthy).toBe(false)
    expect(parsed.jobs.map((job) => job.job_name).sort()).toEqual(seededJobs)
    expect(result.stdout).not.toContain(ESCAPE)
  })

  it('prints no escape codes when piped', async () => {
    const result = await status()
    expect(result.stdout + result.stderr).not.toContain(ESCAPE)
  })

  describe.skipIf(!scriptAvailable)('on a terminal (util-linux script)', () => {
    it('colours the table on a terminal', async () => {
      const result = await runCliOnTerminal(['status'], { cwd: folder.dir, env: { DATABASE_URL: database.url } })
      expect(result.code).toBe(1)
      expect(result.output).toContain('healthy-export')
      expect(result.output).toContain(ESCAPE)
    })

    it.each([
      ['NO_COLOR=1', [], { NO_COLOR: '1' }],
      ['--no-color', ['--no-color'], {}],
      ['TERM=dumb', [], { TERM: 'dumb' }],
    ])('prints no escape codes on a terminal with %s', async (_title, flags, env) => {
      const result = await runCliOnTerminal([...flags, 'status'], {
        cwd: folder.dir,
        env: { DATABASE_URL: database.url, ...env },
      })
      expect(result.code).toBe(1)
      expect(result.output).toContain('healthy-export')
      expect(result.output).not.toContain(ESCAPE)
    })
  })
})
