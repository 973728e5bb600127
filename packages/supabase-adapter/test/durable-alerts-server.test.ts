import { setTimeout as sleep } from 'node:timers/promises'
import {
  type AlertRecord,
  consecutiveFailuresEventSchema,
  deliverPendingAlerts,
  type ExecutionLogStore,
  type Logger,
  silentLogger,
  withFailureAlerting,
} from '@cronwarden/core'
import { describe, expect, it, vi } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { deferUntilAfterEach } from './support/after-each.js'
import { failing, jobErrorMessage, jobName } from './support/failing-job.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { createTestWebhookNotifier } from './support/webhook-notifier.js'
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from './support/webhook-server.js'

const available = await serverAvailable()

/** Sleeps until a time the database wrote (same machine, same clock), plus a margin. */
const sleepUntil = async (iso: string | null | undefined) => {
  if (!iso) throw new Error('expected a time to wait for')
  await sleep(Math.max(0, new Date(iso).getTime() - Date.now()) + 50)
}

const newestAlert = async (store: ExecutionLogStore, job = jobName): Promise<AlertRecord> => {
  const [alert] = await store.listAlerts({ jobName: job })
  if (!alert) throw new Error(`expected an alert entry for ${job}`)
  return alert
}

const spyLogger = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() }) satisfies Logger

describe.skipIf(!available)('durable alerts on the PostgreSQL server through a real webhook', () => {
  const defer = deferUntilAfterEach()
  const database = async (): Promise<SupabaseDatabase> => {
    const db = await createSupabaseDatabase()
    defer(() => db.drop())
    return db
  }
  const webhookServer = async (options?: WebhookServerOptions): Promise<WebhookServer> => {
    const server = await startWebhookServer(options)
    defer(() => server.close())
    return server
  }

  describe('a channel that is down', () => {
    it('retries with a doubling delay until the channel is up, then delivers once and records every attempt', async () => {
      const { store } = await database()
      const webhook = await webhookServer()
      const notifier = createTestWebhookNotifier({ url: webhook.url })
      const retryDelayMs = 50
      const run = withFailureAlerting(failing, {
        jobName,
        store,
        notifiers: [notifier],
        retryDelayMs,
        logger: silentLogger,
      })
      // Three 503s: the deciding call's own attempt and the first two sweeps'; then 200.
      webhook.failNext(3)
      await expect(run()).rejects.toThrow(jobErrorMessage)
      await expect(run()).rejects.toThrow(jobErrorMessage)
      expect(webhook.received()).toBe(1)

      const sweep = () => deliverPendingAlerts({ store, notifiers: [notifier], retryDelayMs, logger: silentLogger })
      for (const [attempt, delay] of [
        [1, retryDelayMs],
        [2, 2 * retryDelayMs],
        [3, 4 * retryDelayMs],
      ] as const) {
        const [state] = (await newestAlert(store)).notifiers
        expect(state).toMatchObject({ status: 'failed', attempts: attempt, last_error: 'webhook answered 503' })
        // The database's schedule for the next attempt doubles the wait after each failure.
        const scheduledAfter =
          new Date(state?.next_attempt_at ?? 0).getTime() - new Date(state?.last_attempt_at ?? 0).getTime()
        expect(scheduledAfter).toBeGreaterThanOrEqual(delay)
        await sleepUntil(state?.next_attempt_at)
        await sweep()
        expect(webhook.received()).toBe(attempt + 1)
      }
      expect(webhook.accepted).toEqual([
        expect.objectContaining({ type: 'consecutive_failures', consecutive_failure_count: 2 }),
      ])
      const alert = await newestAlert(store)
      expect(alert).toMatchObject({ status: 'delivered', event_type: 'consecutive_failures' })
      expect(alert.notifiers).toEqual([
        expect.objectContaining({ notifier: 'webhook', status: 'delivered', attempts: 4 }),
      ])
      const [row] = await store.listRuns({ jobName })
      // Three failed attempts, then the one that reached the endpoint.
      expect(row?.deliveries.map((delivery) => delivery.status)).toEqual(['failed', 'failed', 'failed', 'delivered'])
      expect(new Set(row?.deliveries.map((delivery) => delivery.notifier))).toEqual(new Set(['webhook']))
      await sleep(8 * retryDelayMs)
      expect(await sweep()).toEqual([])
      expect(webhook.accepted).toHaveLength(1)
    })

    it('retries only the notifier that was down; the one that had it is not sent it again', async () => {
      const { store } = await database()
      const slackServer = await webhookServer()
      const emailServer = await webhookServer()
      const notifiers = [
        createTestWebhookNotifier({ name: 'slack', url: slackServer.url }),
        createTestWebhookNotifier({ name: 'email', url: emailServer.url }),
      ]
      const options = { jobName, store, notifiers, retryDelayMs: 50, logger: silentLogger }
      slackServer.failNext(1)
      const run = withFailureAlerting(failing, options)
      await expect(run()).rejects.toThrow(jobErrorMessage)
      await expect(run()).rejects.toThrow(jobErrorMessage)
      expect([slackServer.accepted.length, emailServer.accepted.length]).toEqual([0, 1])

      const [slack] = (await newestAlert(store)).notifiers
      await sleepUntil(slack?.next_attempt_at)
      await deliverPendingAlerts({ store, notifiers, logger: silentLogger })
      expect([slackServer.accepted.length, emailServer.accepted.length]).toEqual([1, 1])
      expect(emailServer.received()).toBe(1)
      expect(slackServer.accepted).toEqual(emailServer.accepted)
      const alert = await newestAlert(store)
      expect(alert.status).toBe('delivered')
      expect(alert.notifiers.map((state) => [state.notifier, state.status, state.attempts])).toEqual([
        ['slack', 'delivered', 2],
        ['email', 'delivered', 1],
      ])
      await deliverPendingAlerts({ store, notifiers, logger: silentLogger })
      expect([slackServer.received(), emailServer.received()]).toEqual([2, 1])
    })

    it('records an alert not delivered within alertTtlMs as expired, logs it, and never sends it once the channel is back', async () => {
      const { store } = await database()
      const webhook = await webhookServer()
      const notifier = createTestWebhookNotifier({ url: webhook.url })
      const logger = spyLogger()
      // Short retry delay: the entry is due for a retry too when it expires; expiry must win.
      const options = { jobName, store, notifiers: [notifier], alertTtlMs: 200, retryDelayMs: 50, logger }
      webhook.goDown()
      const run = withFailureAlerting(failing, options)
      await expect(run()).rejects.toThrow(jobErrorMessage)
      await expect(run()).rejects.toThrow(jobErrorMessage)
      expect(webhook.received()).toBe(1)
      const pending = await newestAlert(store)
      expect(pending.status).toBe('pending')

      await sleepUntil(pending.expires_at)
      webhook.recover()
      expect(await deliverPendingAlerts({ store, notifiers: [notifier], logger })).toEqual([])
      expect(logger.error).toHaveBeenCalledWith(
        'alert expired before every notifier had it; it will not be sent',
        expect.objectContaining({ job_name: jobName, alert_id: pending.alert_id, notifiers: ['webhook'] }),
      )
      const expired = await newestAlert(store)
      expect(expired).toMatchObject({ alert_id: pending.alert_id, status: 'expired' })
      expect(expired.notifiers).toEqual([expect.objectContaining({ status: 'expired', attempts: 1 })])
      const [row] = await store.listRuns({ jobName })
      expect(row?.deliveries.map((delivery) => delivery.status)).toEqual(['failed', 'expired'])

      // Neither the next call of the job nor a later sweep sends it.
      await withFailureAlerting(async () => 'sent', options)()
      await deliverPendingAlerts({ store, notifiers: [notifier], logger })
      expect(webhook.received()).toBe(1)
      expect(webhook.accepted).toEqual([])
    })
  })

  describe('sweepers', () => {
    it('sends each of 200 pending alerts once per notifier with three sweepers at once, each on its own pool', async () => {
      const db = await database()
      // A short pause before each answer keeps many sends open at once across the sweepers.
      const slackServer = await webhookServer({ acceptDelayMs: 5 })
      const emailServer = await webhookServer({ acceptDelayMs: 5 })
      slackServer.goDown()
      emailServer.goDown()
      const notifiers = () => [
        createTestWebhookNotifier({ name: 'slack', url: slackServer.url }),
        createTestWebhookNotifier({ name: 'email', url: emailServer.url }),
      ]
      const retryDelayMs = 100
      const jobs = Array.from({ length: 200 }, (_, index) => `reminders-${index}`)
      await Promise.all(
        jobs.map((name) =>
          expect(
            withFailureAlerting(failing, {
              jobName: name,
              store: db.store,
              notifiers: notifiers(),
              failureThreshold: 1,
              retryDelayMs,
              logger: silentLogger,
            })(),
          ).rejects.toThrow(jobErrorMessage),
        ),
      )
      expect([slackServer.received(), emailServer.received()]).toEqual([200, 200])
      slackServer.recover()
      emailServer.recover()
      // Every entry's first retry was scheduled at most retryDelayMs after it was recorded.
      await sleep(retryDelayMs + 100)

      const sweepers = [db.pool(4), db.pool(4), db.pool(4)].map((sql) =>
        deliverPendingAlerts({ store: createSupabaseStore({ db: sql }), notifiers: notifiers(), logger: silentLogger }),
      )
      const sent = (await Promise.all(sweepers)).flat()
      expect(sent).toHaveLength(200)
      expect(new Set(sent.map((event) => event.run_id)).size).toBe(200)
      for (const server of [slackServer, emailServer]) {
        expect(server.accepted).toHaveLength(200)
        expect(new Set(server.accepted.map((event) => event.job_name))).toEqual(new Set(jobs))
      }
      const alerts = await Promise.all(jobs.map((name) => newestAlert(db.store, name)))
      expect(alerts.filter((alert) => alert.status !== 'delivered')).toEqual([])

      expect(await deliverPendingAlerts({ store: db.store, notifiers: notifiers(), logger: silentLogger })).toEqual([])
      expect([slackServer.received(), emailServer.received()]).toEqual([400, 400])
    })

    it("delivers only the jobs it is given: a sweeper for ['a'] never sends b's", async () => {
      const { store } = await database()
      const webhook = await webhookServer()
      const notifier = createTestWebhookNotifier({ url: webhook.url })
      const retryDelayMs = 50
      webhook.goDown()
      for (const name of ['a', 'b']) {
        const run = withFailureAlerting(failing, {
          jobName: name,
          store,
          notifiers: [notifier],
          failureThreshold: 1,
          retryDelayMs,
          logger: silentLogger,
        })
        await expect(run()).rejects.toThrow(jobErrorMessage)
      }
      webhook.recover()
      await sleepUntil((await newestAlert(store, 'b')).notifiers[0]?.next_attempt_at)

      const onlyA = () => deliverPendingAlerts({ store, notifiers: [notifier], jobs: ['a'], logger: silentLogger })
      expect((await onlyA()).map((event) => event.job_name)).toEqual(['a'])
      expect(await onlyA()).toEqual([])
      expect(webhook.accepted.map((event) => event.job_name)).toEqual(['a'])
      expect(await newestAlert(store, 'b')).toMatchObject({
        status: 'pending',
        notifiers: [{ notifier: 'webhook', status: 'failed', attempts: 1 }],
      })

      expect(
        (await deliverPendingAlerts({ store, notifiers: [notifier], logger: silentLogger })).map(
          (event) => event.job_name,
        ),
      ).toEqual(['b'])
      expect(webhook.accepted.map((event) => event.job_name)).toEqual(['a', 'b'])
    })
  })

  describe('the alert threshold', () => {
    it('alerts at exactly the 2nd consecutive failure, not at the 1st nor the 3rd or later, and again after a reset', async () => {
      const { store } = await database()
      const webhook = await webhookServer()
      const options = {
        jobName,
        store,
        notifiers: [createTestWebhookNotifier({ url: webhook.url })],
        logger: silentLogger,
      }
      const fail = withFailureAlerting(failing, options)
      const succeed = withFailureAlerting(async () => 'sent', options)
      const accepted = () =>
        webhook.accepted.map((event) => consecutiveFailuresEventSchema.parse(event).consecutive_failure_count)

      await succeed()
      await expect(fail()).rejects.toThrow(jobErrorMessage)
      expect(accepted()).toEqual([])
      await expect(fail()).rejects.toThrow(jobErrorMessage)
      expect(accepted()).toEqual([2])
      await expect(fail()).rejects.toThrow(jobErrorMessage)
      await expect(fail()).rejects.toThrow(jobErrorMessage)
      expect(accepted()).toEqual([2])

      await succeed()
      await expect(fail()).rejects.toThrow(jobErrorMessage)
      expect(accepted()).toEqual([2])
      await expect(fail()).rejects.toThrow(jobErrorMessage)
      expect(accepted()).toEqual([2, 2])
      // Two incidents: each alert names the start of its own streak.
      const [first, second] = webhook.accepted.map((event) => consecutiveFailuresEventSchema.parse(event))
      expect(new Date(second?.down_since ?? 0).getTime()).toBeGreaterThan(new Date(first?.down_since ?? 0).getTime())

      const rows = await store.listRuns({ jobName })
      expect(rows.map((row) => row.consecutive_failure_count)).toEqual([2, 1, 0, 4, 3, 2, 1, 0])
      expect(await deliverPendingAlerts({ store, notifiers: options.notifiers, logger: silentLogger })).toEqual([])
      expect(webhook.received()).toBe(2)
    })

    it('sends exactly one alert for 50 concurrent failing calls (lock: false) through 10 connections', async () => {
      const db = await database()
      const webhook = await webhookServer()
      const notifiers = [createTestWebhookNotifier({ url: webhook.url })]
      const run = withFailureAlerting(failing, {
        jobName,
        store: db.store,
        notifiers,
        lock: false,
        logger: silentLogger,
      })
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => run()))
      expect(results.filter((result) => result.status === 'rejected')).toHaveLength(50)
      expect(webhook.accepted).toEqual([
        expect.objectContaining({ type: 'consecutive_failures', consecutive_failure_count: 2 }),
      ])
      const counts = (await db.store.listRuns({ jobName, limit: 100 })).map((row) => row.consecutive_failure_count)
      expect(counts.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 50 }, (_, index) => index + 1))
      // Every entry is settled: the 49 that decided nothing as such, none left to a sweeper.
      const alerts = await db.store.listAlerts({ jobName, limit: 100 })
      expect(alerts).toHaveLength(50)
      expect(alerts.filter((alert) => alert.status === 'pending')).toEqual([])
      expect(await deliverPendingAlerts({ store: db.store, notifiers, logger: silentLogger })).toEqual([])
      expect(webhook.received()).toBe(1)
      const [backends] = await db.sql`
        select count(*)::int as connections from pg_stat_activity where datname = ${db.name}`
      expect(backends?.connections).toBeGreaterThanOrEqual(4)
    })
  })
})
