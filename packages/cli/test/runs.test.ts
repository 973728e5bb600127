import { setTimeout as sleep } from 'node:timers/promises'
import { deliverPendingAlerts, type RunRecord, silentLogger } from '@cronwarden/core'
import { createSupabaseStore, migrate } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder } from './support/config-case.js'
import { acceptingNotifier, fail, failingNotifier, ok, seedRuns } from './support/seed.js'

const available = await serverAvailable()

const JOB = 'assignment-follow-up-reminders'

// Every test only reads what beforeAll seeded, so they run concurrently.
describe.skipIf(!available).concurrent('runs on the PostgreSQL server', () => {
  let database: TestDatabase
  let folder: CaseFolder
  let recorded: RunRecord[]

  beforeAll(async () => {
    ;[database, folder] = await Promise.all([createTestDatabase({ migrate }), createCaseFolder()])
    const db = database.sql
    const notifiers = [acceptingNotifier('slack'), failingNotifier('email', 'smtp relay down')]
    await seedRuns(
      db,
      JOB,
      [
        ok({ due: 12, sent: 12 }),
        fail('push service answered 503\n    at send (worker.js:10:5)\n    at run (worker.js:20:3)'),
        fail('connect ETIMEDOUT 10.0.0.5:443'),
      ],
      { notifiers, retryDelayMs: 1 },
    )
    // A sweep retries the email, which fails again: two attempts on record.
    await sleep(10)
    await deliverPendingAlerts({ store: createSupabaseStore({ db }), notifiers, logger: silentLogger })
    recorded = await createSupabaseStore({ db }).listRuns({ jobName: JOB })
  })
  afterAll(async () => {
    await Promise.all([database?.drop(), folder?.remove()])
  })

  const runs = (args: string[]) => runCli(['runs', ...args], { cwd: folder.dir, env: { DATABASE_URL: database.url } })

  it("lists the job's runs newest first: status, start, duration, first line of the error, summary, deliveries per notifier", async () => {
    const result = await runs([JOB])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const [head, ...rows] = result.stdout.trimEnd().split('\n')
    expect(head).toMatch(/^STATUS\s+STARTED\s+DURATION\s+ERROR\s+SUMMARY\s+DELIVERIES$/)
    expect(rows).toHaveLength(3)
    const [newest, middle, oldest] = rows
    const [newestRun, middleRun, oldestRun] = recorded
    const shown = (iso: string | undefined) => `${iso?.slice(0, 10)} ${iso?.slice(11, 19)} UTC`

    expect(newest).toMatch(/^✗ failed/)
    expect(newest).toContain(shown(newestRun?.started_at))
    expect(newest).toContain('connect ETIMEDOUT 10.0.0.5:443')
    expect(newest).toMatch(/\d+ ms/)
    expect(newest).toContain('slack consecutive_failures: delivered; email consecutive_failures: failed ×2')

    expect(middle).toMatch(/^✗ failed/)
    expect(middle).toContain(shown(middleRun?.started_at))
    expect(middle).toContain('push service answered 503')
    expect(result.stdout).not.toContain('worker.js')

    expect(oldest).toMatch(/^✓ succeeded/)
    expect(oldest).toContain(shown(oldestRun?.started_at))
    expect(oldest).toContain('{"due":12,"sent":12}')
  })

  it('shows only the newest runs with --limit', async () => {
    const result = await runs([JOB, '--limit', '1'])
    expect(result.code).toBe(0)
    const rows = result.stdout.trimEnd().split('\n').slice(1)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toContain('connect ETIMEDOUT')
  })

  it('prints the runs as one JSON document with every delivery attempt with --json', async () => {
    const result = await runs([JOB, '--json'])
    expect(result.code).toBe(0)
    const parsed = parseJsonOutput<{ job_name: string; runs: RunRecord[] }>(result)
    expect(parsed.job_name).toBe(JOB)
    expect(parsed.runs).toEqual(recorded)
    expect(parsed.runs[0]?.deliveries.map(({ notifier, status }) => ({ notifier, status }))).toEqual(
      expect.arrayContaining([
        { notifier: 'slack', status: 'delivered' },
        { notifier: 'email', status: 'failed' },
      ]),
    )
  })

  it('says so, and exits 0, for a job with no runs', async () => {
    const result = await runs(['never-ran'])
    expect(result).toEqual({ code: 0, stdout: 'No runs recorded for job "never-ran".\n', stderr: '' })
  })

  it('exits 2 naming <job> for a job name with control characters, which no job can have', async () => {
    const result = await runs(['nightly\u001b[2Jexport'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('<job>')
    expect(result.stdout).toBe('')
  })
})
