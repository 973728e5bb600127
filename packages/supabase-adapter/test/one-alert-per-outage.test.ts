import { setTimeout as sleep } from 'node:timers/promises'
import {
  checkMissedRuns,
  deliverPendingAlerts,
  type ExecutionLogStore,
  silentLogger,
  withFailureAlerting,
} from '@cronwarden/core'
import { createWebhookNotifier } from '@cronwarden/webhook-notifier'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { startWebhookServer, type WebhookServer } from './support/webhook-server.js'

const available = await serverAvailable()
const MINUTE = 60_000
const HOUR = 3_600_000

/**
 * End to end: a real PostgreSQL store, the real webhook notifier (json format) and a real
 * local HTTP endpoint, for the scenarios core's memory-store tests check: missed times, mute
 * and reminders. The store's clock is the server's, so reminder intervals are short and
 * real; the missed-run checker's clock is the test's, so a minute schedule's times pass
 * without waiting.
 */
describe.skipIf(!available)(
  'one alert per outage, mute and reminders on the PostgreSQL server, at a real webhook',
  () => {
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

    /** A job on the server's store sending to the local webhook, failing while `broken`. */
    const job = (jobName: string, options: { realertEveryMs?: number } = {}) => {
      const state = { broken: true }
      const run = withFailureAlerting(
        async () => {
          if (state.broken) throw new Error('export bucket refused the upload')
        },
        {
          jobName,
          store: database.store,
          notifiers: [createWebhookNotifier({ url: webhook.url, format: 'json' })],
          notifyOnRecovery: true,
          logger: silentLogger,
          ...options,
        },
      )
      return { state, run: () => run().catch(() => {}) }
    }
    const received = (jobName: string) => webhook.accepted.filter((event) => event.job_name === jobName)
    const mute = (store: ExecutionLogStore, jobName: string, forMs: number | null) =>
      store.muteJob({ jobName, until: forMs === null ? null : new Date(Date.now() + forMs) })

    it('reminds at most once per interval while the streak stays open, under the incident', async () => {
      const { state, run } = job('reminded', { realertEveryMs: 400 })
      for (let attempt = 0; attempt < 12; attempt++) {
        await run()
        await sleep(100)
      }
      state.broken = false
      await run()
      const events = received('reminded')
      expect(events[0]?.type).toBe('consecutive_failures')
      expect(events.at(-1)?.type).toBe('recovered')
      const reminders = events.filter((event) => event.type === 'still_failing')
      expect(reminders.length).toBeGreaterThanOrEqual(1)
      const downSince = events[0]?.type === 'consecutive_failures' ? events[0].down_since : ''
      // One per interval: each falls in an interval of its own after the one the streak began in.
      const intervals = reminders.map((event) => {
        expect(event.down_since).toBe(downSince)
        return Math.floor(event.down_for_ms / 400)
      })
      expect(new Set(intervals).size).toBe(intervals.length)
      expect(intervals.every((interval) => interval >= 1)).toBe(true)
    })

    it('records alerts decided while muted as muted, sends none after the mute, nor the recovery', async () => {
      const { store } = database
      const { state, run } = job('muted-export')
      await mute(store, 'muted-export', HOUR)
      await run()
      await run()
      const [alert] = await store.listAlerts({ jobName: 'muted-export' })
      expect(alert).toMatchObject({ status: 'muted', event_type: 'consecutive_failures' })
      const [row] = await store.listRuns({ jobName: 'muted-export' })
      expect(row?.deliveries.map((delivery) => delivery.status)).toEqual(['muted'])
      await mute(store, 'muted-export', null)
      await deliverPendingAlerts({
        store,
        notifiers: [createWebhookNotifier({ url: webhook.url })],
        logger: silentLogger,
      })
      await run()
      expect((await store.getJob({ jobName: 'muted-export' }))?.consecutive_failure_count).toBe(3)
      state.broken = false
      await run()
      expect(received('muted-export')).toEqual([])
      expect((await store.listAlerts({ jobName: 'muted-export', limit: 1 }))[0]).toMatchObject({
        status: 'muted',
        event_type: 'recovered',
      })
    })

    it('sends the recovery of an incident whose alert went out before the mute', async () => {
      const { store } = database
      const { state, run } = job('announced-export')
      await run()
      await run()
      await mute(store, 'announced-export', HOUR)
      await run()
      await mute(store, 'announced-export', null)
      state.broken = false
      await run()
      expect(received('announced-export').map((event) => event.type)).toEqual(['consecutive_failures', 'recovered'])
    })
  },
)
