import { setTimeout as sleep } from 'node:timers/promises'
import { deliverPendingAlerts, type ExecutionLogStore, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createWebhookNotifier } from '@cronwarden/webhook-notifier'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { startWebhookServer, type WebhookServer } from './support/webhook-server.js'

const available = await serverAvailable()
const HOUR = 3_600_000

/**
 * The mute and reminder scenarios of core's memory-store tests, on the PostgreSQL server with
 * the real webhook notifier and a local endpoint. The store's clock is the server's, so
 * reminder intervals are short and real.
 */
describe.skipIf(!available)('mute and reminders on the PostgreSQL server, at a real webhook', () => {
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
})
