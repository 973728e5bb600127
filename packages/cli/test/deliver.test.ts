import { setTimeout as sleep } from 'node:timers/promises'
import { migrate } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder, literal } from './support/config-case.js'
import { acceptingNotifier, crashingAfterFinish, fail, seedRuns } from './support/seed.js'
import { type SlackStandIn, startSlackStandIn } from './support/slack-stand-in.js'

const available = await serverAvailable()

describe.skipIf(!available)('deliver on the PostgreSQL server', () => {
  let database: TestDatabase
  let slack: SlackStandIn
  let refusing: SlackStandIn
  let working: CaseFolder
  let broken: CaseFolder

  const configFor = (webhookUrl: string) => `
    import { defineConfig } from '@cronwarden/cli'
    import { createSlackNotifier } from '@cronwarden/slack-notifier'
    export default defineConfig({
      databaseUrl: ${literal(database.url)},
      notifiers: [createSlackNotifier({ webhookUrl: ${literal(webhookUrl)} })],
    })
  `

  /**
   * A failure whose caller crashed before sending: the alert entry is owed to `slack` and
   * left for a sweeper once the crashed caller's claim lapses (2 × notifyTimeoutMs).
   */
  const owedAlert = async (jobName: string) => {
    await seedRuns(database.sql, jobName, [fail('upstream 503')], {
      store: crashingAfterFinish(database.sql),
      notifiers: [acceptingNotifier('slack')],
      failureThreshold: 1,
      notifyTimeoutMs: 50,
    })
    await sleep(150)
  }

  beforeAll(async () => {
    ;[database, slack, refusing, working, broken] = await Promise.all([
      createTestDatabase({ migrate }),
      startSlackStandIn({ status: 200, body: 'ok' }),
      startSlackStandIn({ status: 404, body: 'no_service' }),
      createCaseFolder(),
      createCaseFolder(),
    ])
    await Promise.all([
      working.bundleConfig(configFor(slack.webhookUrl)),
      broken.bundleConfig(configFor(refusing.webhookUrl)),
    ])
  })
  afterAll(async () => {
    await Promise.all([database?.drop(), slack?.close(), refusing?.close(), working?.remove(), broken?.remove()])
  })

  it('sends each pending alert once through the configured notifiers, then finds nothing left', async () => {
    await owedAlert('weekly-digest')

    const first = await runCli(['deliver'], { cwd: working.dir })
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^delivered consecutive_failures for weekly-digest \(run [^)]+\)$/m)
    expect(first.stdout).toContain('1 alert(s) delivered.')
    expect(slack.texts()).toEqual([expect.stringContaining('weekly-digest failed')])
    expect(slack.texts()[0]).toContain('upstream 503')

    const second = await runCli(['deliver', '--json'], { cwd: working.dir })
    expect(second.code).toBe(0)
    expect(parseJsonOutput(second)).toEqual({ delivered: [], errors: 0 })
    expect(slack.requests).toHaveLength(1)

    const runs = parseJsonOutput<{ runs: Array<{ deliveries: Array<{ notifier: string; status: string }> }> }>(
      await runCli(['runs', 'weekly-digest', '--json'], { cwd: working.dir }),
    )
    expect(runs.runs[0]?.deliveries).toEqual([expect.objectContaining({ notifier: 'slack', status: 'delivered' })])
  })

  it('exits 1 and says which notifier failed and why when the channel refuses, keeping the alert owed', async () => {
    await owedAlert('nightly-billing')

    const result = await runCli(['deliver'], { cwd: broken.dir })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('0 alert(s) delivered, 1 error(s).')
    expect(result.stderr).toContain('alert delivery failed')
    expect(result.stderr).toContain('job_name=nightly-billing')
    expect(result.stderr).toContain('notifier=slack')
    expect(result.stderr).toContain('HTTP 404')
    expect(result.stderr).toMatch(/ duration_ms=\d+[ )]/)
    expect(result.stderr).not.toContain('Non-Error')
    expect(result.stdout + result.stderr).not.toContain(refusing.token)
    expect(refusing.requests).toHaveLength(1)

    const status = await runCli(['status', 'nightly-billing', '--json'], { cwd: broken.dir })
    expect(status.code).toBe(1)
    const [job] = parseJsonOutput<{ jobs: Array<{ alerts: { failed: number } }> }>(status).jobs
    expect(job?.alerts.failed).toBe(1)
  })
})
