import { migrate } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder, literal } from './support/config-case.js'
import { type SlackStandIn, startSlackStandIn } from './support/slack-stand-in.js'

// Only the missed-run pass: pg_cron's trigger pass needs a cluster with pg_cron preloaded,
// which the adapter's own tests cover (packages/supabase-adapter/test/pg-cron-real.test.ts).

const available = await serverAvailable()

interface CheckJson {
  missed_runs: {
    checked: number
    recorded: number
    events: Array<{ type: string; job_name: string; expected_at: string; consecutive_failure_count: number }>
  }
  pg_cron: { checked: number; recorded: number; events: unknown[] }
  errors: number
}

describe.skipIf(!available)('check on the PostgreSQL server', () => {
  let database: TestDatabase
  let slack: SlackStandIn
  let folder: CaseFolder

  beforeAll(async () => {
    ;[database, slack, folder] = await Promise.all([
      createTestDatabase({ migrate }),
      startSlackStandIn(),
      createCaseFolder(),
    ])
    // A yearly job (New Year, 00:00 UTC) expected since mid-year two years ago that never
    // ran: exactly two scheduled times are past their grace (5 min; so not in a year's first
    // five minutes), and no new one passes during the test.
    const since = new Date(Date.UTC(new Date().getUTCFullYear() - 2, 6, 1)).toISOString()
    await folder.bundleConfig(`
      import { defineConfig } from '@cronwarden/cli'
      import { createSlackNotifier } from '@cronwarden/slack-notifier'
      export default defineConfig({
        databaseUrl: ${literal(database.url)},
        notifiers: [createSlackNotifier({ webhookUrl: ${literal(slack.webhookUrl)} })],
        jobs: [{ jobName: 'yearly-archive', schedule: '0 0 1 1 *', since: new Date(${literal(since)}) }],
      })
    `)
  })
  afterAll(async () => {
    await Promise.all([database?.drop(), slack?.close(), folder?.remove()])
  })

  it('records each missed scheduled time once, counts them in the streak and alerts once at the threshold, and a second pass finds nothing new', async () => {
    const first = await runCli(['check', '--json'], { cwd: folder.dir })
    expect(first.code).toBe(0)
    const report = parseJsonOutput<CheckJson>(first)
    const year = new Date().getUTCFullYear()
    // Two missed times, one alert: the second makes the streak 2 (the default threshold).
    expect(report.missed_runs).toMatchObject({ checked: 1, recorded: 2 })
    expect(report.missed_runs.events).toEqual([
      expect.objectContaining({
        type: 'missed_run',
        job_name: 'yearly-archive',
        expected_at: `${year}-01-01T00:00:00.000Z`,
        consecutive_failure_count: 2,
      }),
    ])
    expect(report.pg_cron).toEqual({ checked: 0, recorded: 0, events: [] })
    expect(report.errors).toBe(0)
    // What reached Slack, not only what the command says it sent.
    expect(slack.requests).toHaveLength(1)
    expect(slack.texts()[0]).toContain('yearly-archive')

    const runs = parseJsonOutput<{
      runs: Array<{ status: string; started_at: string; consecutive_failure_count: number | null }>
    }>(await runCli(['runs', 'yearly-archive', '--json'], { cwd: folder.dir }))
    const missed = runs.runs.filter((run) => run.status === 'missed')
    expect(missed.map((run) => [run.started_at, run.consecutive_failure_count])).toEqual([
      [`${year}-01-01T00:00:00.000Z`, 2],
      [`${year - 1}-01-01T00:00:00.000Z`, 1],
    ])

    const second = await runCli(['check'], { cwd: folder.dir })
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('Checked 1 scheduled job(s) and 0 pg_cron job(s): 0 missed time(s)')
    expect(second.stdout).not.toContain('missed_run:')
    expect(slack.requests).toHaveLength(1)
  })

  it('shows a job whose last scheduled runs were missed as down in status, since its first missed time', async () => {
    const result = await runCli(['status', 'yearly-archive', '--json'], { cwd: folder.dir })
    expect(result.code).toBe(1)
    const [job] = parseJsonOutput<{
      jobs: Array<{
        problems: string[]
        consecutive_failure_count: number
        down_since: string | null
        recent_runs: Array<{ status: string; started_at: string }>
      }>
    }>(result).jobs
    expect(job?.problems).toEqual(['down', 'missed run'])
    expect(job?.consecutive_failure_count).toBe(2)
    expect(job?.down_since).toBe(job?.recent_runs[0]?.started_at)
    expect(job?.recent_runs.length).toBeGreaterThan(0)
    expect(job?.recent_runs.every((run) => run.status === 'missed')).toBe(true)

    const text = await runCli(['status', 'yearly-archive'], { cwd: folder.dir })
    expect(text.code).toBe(1)
    const first = job?.recent_runs[0]?.started_at ?? ''
    expect(text.stdout).toContain(`${first.slice(0, 10)} ${first.slice(11, 19)} UTC`)
    expect(text.stdout).toContain('1 of 1 jobs need attention.')
  })
})
