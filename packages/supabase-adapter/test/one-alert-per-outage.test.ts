import { checkMissedRuns, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createWebhookNotifier } from '@cronwarden/webhook-notifier'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { startWebhookServer, type WebhookServer } from './support/webhook-server.js'

const available = await serverAvailable()
const MINUTE = 60_000

/**
 * End to end: a real PostgreSQL store, the real webhook notifier (json format) and a real
 * local HTTP endpoint. The checker's clock is the test's, so a minute schedule's times pass
 * without waiting; the store's clock is the server's.
 */
describe.skipIf(!available)('one alert per outage, on the PostgreSQL server, at a real webhook', () => {
  let database: SupabaseDatabase
  let webhook: WebhookServer
  beforeAll(async () => {
    database = await createSupabaseDatabase()
    webhook = await startWebhookServer()
  })
  afterAll(async () => {
    await webhook?.close()
    await database?.drop()
  })

  it('a job that misses 5 minute-schedule times sends one alert, and its next run recovers', async () => {
    const { store } = database
    const jobName = 'every-minute-sync'
    const notifiers = [createWebhookNotifier({ url: webhook.url, format: 'json' })]
    const run = withFailureAlerting(async () => {}, {
      jobName,
      store,
      notifiers,
      notifyOnRecovery: true,
      logger: silentLogger,
    })
    await run()
    const lastRun = new Date((await store.getJob({ jobName }))?.last_run_at ?? Number.NaN)
    // The minute after the run, then checked every minute for 5 minutes: each check finds one time.
    const firstMissed = new Date(Math.floor(lastRun.getTime() / MINUTE) * MINUTE + MINUTE)
    const recorded: number[] = []
    for (let minute = 0; minute < 5; minute++) {
      const { recorded: count } = await checkMissedRuns({
        store,
        jobs: [{ jobName, schedule: '* * * * *', graceMs: 30_000 }],
        notifiers,
        logger: silentLogger,
        now: () => new Date(firstMissed.getTime() + minute * MINUTE + 30_000),
      })
      recorded.push(count)
    }
    expect(recorded).toEqual([1, 1, 1, 1, 1])
    expect(webhook.accepted).toHaveLength(1)
    expect(webhook.accepted[0]).toMatchObject({
      type: 'missed_run',
      job_name: jobName,
      expected_at: new Date(firstMissed.getTime() + MINUTE).toISOString(),
      consecutive_failure_count: 2,
      threshold: 2,
      down_since: firstMissed.toISOString(),
      last_run_at: lastRun.toISOString(),
    })
    expect((await store.getJob({ jobName }))?.consecutive_failure_count).toBe(5)

    await run()
    expect(webhook.accepted.map((event) => event.type)).toEqual(['missed_run', 'recovered'])
    expect(webhook.accepted[1]).toMatchObject({ failures_in_streak: 5, down_since: firstMissed.toISOString() })
  })
})
