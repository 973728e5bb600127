import { setTimeout as sleep } from 'node:timers/promises'
import {
  type AlertRecord,
  deliverPendingAlerts,
  type ExecutionLogStore,
  type RunRecord,
  StoreError,
  silentLogger,
  withFailureAlerting,
} from '@cronwarden/core'
import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { deferUntilAfterEach } from './support/after-each.js'
import { failing, jobErrorMessage, jobName } from './support/failing-job.js'
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js'
import { type CrashPoint, startAlertJobProcess } from './support/job-process.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { createTestWebhookNotifier } from './support/webhook-notifier.js'
import { startWebhookServer, type WebhookServer } from './support/webhook-server.js'

const available = await serverAvailable()

/** A dead caller's claim lasts 2 × its notifyTimeoutMs from its finish; wait that out. */
const waitPastClaim = (notifyTimeoutMs: number) => sleep(2 * notifyTimeoutMs + 300)

const alertOf = async (store: ExecutionLogStore, runId: unknown): Promise<AlertRecord | undefined> =>
  (await store.listAlerts({ jobName })).find((alert) => alert.run_id === runId)

const rowOf = async (store: ExecutionLogStore, runId: unknown): Promise<RunRecord | undefined> =>
  (await store.listRuns({ jobName })).find((row) => row.run_id === runId)

const streaks = async (store: ExecutionLogStore) =>
  (await store.listRuns({ jobName })).map((row) => [row.status, row.consecutive_failure_count])

describe.skipIf(!available)('an alert decided on the PostgreSQL server survives its caller', () => {
  const defer = deferUntilAfterEach()

  const setUp = async () => {
    const db: SupabaseDatabase = await createSupabaseDatabase()
    defer(() => db.drop())
    const webhook: WebhookServer = await startWebhookServer()
    defer(() => webhook.close())
    const notifier = createTestWebhookNotifier({ url: webhook.url })
    return { db, webhook, notifier }
  }

  describe('a worker process SIGKILLed during delivery (threshold 2, its failure the 2nd)', () => {
    // Short, so the claim the dead worker held (2 × this) lapses quickly.
    const notifyTimeoutMs = 300

    const killedWorker = async (crashAt: CrashPoint, timeoutMs = notifyTimeoutMs) => {
      const { db, webhook, notifier } = await setUp()
      await expect(
        withFailureAlerting(failing, { jobName, store: db.store, notifiers: [notifier], logger: silentLogger })(),
      ).rejects.toThrow(jobErrorMessage)
      expect(webhook.received()).toBe(0)
      // Registered before the worker starts, so its request is the one held.
      const held = crashAt === 'never' ? webhook.holdNext() : null
      const worker = startAlertJobProcess({
        databaseUrl: db.url,
        jobName,
        webhookUrl: webhook.url,
        notifyTimeoutMs: timeoutMs,
        crashAt,
      })
      if (held) {
        // The request is in flight: kill the sender now, then drop its connection unanswered.
        const request = await Promise.race([
          held,
          worker.ended.then((ended) => {
            throw new Error(`the worker ended before sending: ${JSON.stringify(ended)}`)
          }),
        ])
        worker.child.kill('SIGKILL')
        await worker.ended
        request.drop()
      }
      const { signal, reports } = await worker.ended
      expect(signal).toBe('SIGKILL')
      // It died where the test meant it to, not earlier for another reason.
      if (crashAt !== 'never') expect(reports.at(-1)).toEqual({ event: 'dying', point: crashAt })
      const started = reports.find((report) => report.event === 'started')
      const runId = started?.runId
      expect(runId).toEqual(expect.any(String))

      // What the worker left: its failure and the streak committed, the entry owed and untried.
      expect(await streaks(db.store)).toEqual([
        ['failed', 2],
        ['failed', 1],
      ])
      expect(await alertOf(db.store, runId)).toMatchObject({
        status: 'pending',
        notifiers: [{ notifier: 'webhook', status: 'pending', attempts: 0 }],
      })
      await waitPastClaim(timeoutMs)
      return { db, webhook, notifier, runId }
    }

    const expectDeliveredOnce = async (store: ExecutionLogStore, runId: unknown) => {
      expect(await alertOf(store, runId)).toMatchObject({
        status: 'delivered',
        event_type: 'consecutive_failures',
        notifiers: [{ notifier: 'webhook', status: 'delivered', attempts: 1, last_error: null }],
      })
      expect((await rowOf(store, runId))?.deliveries).toEqual([
        expect.objectContaining({ notifier: 'webhook', event_type: 'consecutive_failures', status: 'delivered' }),
      ])
    }

    it('delivers, on the next call of the job, an alert whose worker died after the finish committed and before sending', async () => {
      const { db, webhook, notifier, runId } = await killedWorker('before-send')
      expect(webhook.received()).toBe(0)

      const order: string[] = []
      const tracked = createTestWebhookNotifier({ url: webhook.url, beforeSend: () => void order.push('alert') })
      expect(tracked.name).toBe(notifier.name)
      const run = withFailureAlerting(
        async () => {
          order.push('job')
          return 'sent'
        },
        { jobName, store: db.store, notifiers: [tracked], logger: silentLogger },
      )
      await expect(run()).resolves.toBe('sent')
      // The owed alert went out before the job ran, from the entry the dead worker wrote.
      expect(order).toEqual(['alert', 'job'])
      expect(webhook.accepted).toEqual([
        expect.objectContaining({
          type: 'consecutive_failures',
          job_name: jobName,
          run_id: runId,
          consecutive_failure_count: 2,
          threshold: 2,
          error_message: jobErrorMessage,
        }),
      ])
      await expectDeliveredOnce(db.store, runId)
      expect(await streaks(db.store)).toEqual([
        ['succeeded', 0],
        ['failed', 2],
        ['failed', 1],
      ])
      await run()
      await deliverPendingAlerts({ store: db.store, notifiers: [notifier], logger: silentLogger })
      expect(webhook.accepted).toHaveLength(1)
    })

    it('delivers, on a sweep, an alert whose worker died while its request was in flight', async () => {
      // The worker must still be sending when the test kills it, so its own timeout is longer.
      const { db, webhook, notifier, runId } = await killedWorker('never', 1_000)
      expect(webhook.received()).toBe(1)
      expect(webhook.accepted).toEqual([])

      const sent = await deliverPendingAlerts({ store: db.store, notifiers: [notifier], logger: silentLogger })
      expect(sent).toEqual([expect.objectContaining({ type: 'consecutive_failures', run_id: runId })])
      expect(webhook.accepted).toEqual(sent)
      await expectDeliveredOnce(db.store, runId)
      expect(await deliverPendingAlerts({ store: db.store, notifiers: [notifier], logger: silentLogger })).toEqual([])
      expect(webhook.accepted).toHaveLength(1)
    })

    it('sends twice, the same event, when the worker died after the channel accepted it and before recording that', async () => {
      const { db, webhook, notifier, runId } = await killedWorker('after-accepted')
      expect(webhook.accepted).toEqual([expect.objectContaining({ run_id: runId, consecutive_failure_count: 2 })])

      await expect(
        withFailureAlerting(failing, { jobName, store: db.store, notifiers: [notifier], logger: silentLogger })(),
      ).rejects.toThrow(jobErrorMessage)
      // At least once, not exactly once: the channel accepted a send whose acknowledgement
      // never reached the database, so the next dispatcher cannot tell it from a send that
      // never happened and sends again. The duplicate is the same event (same run_id and
      // occurred_at), which is what lets a channel deduplicate it (email by its deterministic
      // Message-ID). The third failure itself does not alert.
      expect(webhook.accepted).toHaveLength(2)
      expect(webhook.accepted[1]).toEqual(webhook.accepted[0])
      await expectDeliveredOnce(db.store, runId)
      expect(await streaks(db.store)).toEqual([
        ['failed', 3],
        ['failed', 2],
        ['failed', 1],
      ])
      await deliverPendingAlerts({ store: db.store, notifiers: [notifier], logger: silentLogger })
      expect(webhook.accepted).toHaveLength(2)
    })
  })

  describe("the finish's reply lost on the way back (the finish committed)", () => {
    const notifyTimeoutMs = 300

    /** Two failing calls through a proxy that loses the reply to the second call's finish. */
    const lostFinishReply = async () => {
      const { db, webhook, notifier } = await setUp()
      const proxy: FaultProxy = await startFaultProxy(db.url)
      defer(() => proxy.close())
      const viaProxy = postgres(proxy.url, { prepare: false, max: 1, onnotice: () => {} })
      // postgres.js 3.4.9 never settles end() once a connection was cut mid-query
      // (porsager/postgres#1097); the timeout makes it close such connections at once.
      defer(() => viaProxy.end({ timeout: 0 }))
      const store = createSupabaseStore({ db: viaProxy })

      const thrown: Error[] = []
      const internalErrors: Error[] = []
      const run = withFailureAlerting(
        async () => {
          const error = new Error(jobErrorMessage)
          thrown.push(error)
          throw error
        },
        {
          jobName,
          store,
          notifiers: [notifier],
          notifyTimeoutMs,
          logger: silentLogger,
          onInternalError: (error) => void internalErrors.push(error),
        },
      )
      const first = await run().catch((error: unknown) => error)
      expect(first).toBe(thrown[0])

      const dropped = proxy.dropReplyTo('finish_run')
      const second = await run().catch((error: unknown) => error)
      // The caller still gets its job's own error object, and no alert went out.
      expect(second).toBe(thrown[1])
      expect(webhook.received()).toBe(0)
      const fault = await Promise.race([
        dropped,
        sleep(5_000).then(() => {
          throw new Error('no query containing finish_run went through the proxy')
        }),
      ])
      // The server ran the finish without an error: only its reply was lost.
      expect(fault.withheld).not.toContain('E')
      expect(internalErrors).toEqual([expect.any(StoreError)])
      expect(internalErrors[0]).toMatchObject({ operation: 'finishRun' })

      const [lost] = await db.store.listRuns({ jobName })
      expect(lost).toMatchObject({ status: 'failed', consecutive_failure_count: 2, deliveries: [] })
      expect(await alertOf(db.store, lost?.run_id)).toMatchObject({ status: 'pending' })
      await waitPastClaim(notifyTimeoutMs)
      return { db, webhook, notifier, run, runId: lost?.run_id }
    }

    const expectOneAlertAboutTheSecondFailure = (webhook: WebhookServer, runId: unknown) =>
      expect(webhook.accepted).toEqual([
        expect.objectContaining({
          type: 'consecutive_failures',
          run_id: runId,
          consecutive_failure_count: 2,
          error_message: jobErrorMessage,
        }),
      ])

    it('delivers the alert exactly once on the next call of the job', async () => {
      const { db, webhook, notifier, run, runId } = await lostFinishReply()
      await expect(run()).rejects.toThrow(jobErrorMessage)
      expectOneAlertAboutTheSecondFailure(webhook, runId)
      expect(await streaks(db.store)).toEqual([
        ['failed', 3],
        ['failed', 2],
        ['failed', 1],
      ])
      expect((await rowOf(db.store, runId))?.deliveries).toEqual([
        expect.objectContaining({ notifier: 'webhook', status: 'delivered' }),
      ])
      await deliverPendingAlerts({ store: db.store, notifiers: [notifier], logger: silentLogger })
      expect(webhook.accepted).toHaveLength(1)
    })

    it('delivers the alert exactly once on a sweep through a direct connection', async () => {
      const { db, webhook, notifier, runId } = await lostFinishReply()
      const sent = await deliverPendingAlerts({ store: db.store, notifiers: [notifier], logger: silentLogger })
      expect(sent).toHaveLength(1)
      expectOneAlertAboutTheSecondFailure(webhook, runId)
      expect(await streaks(db.store)).toEqual([
        ['failed', 2],
        ['failed', 1],
      ])
      expect(await alertOf(db.store, runId)).toMatchObject({
        status: 'delivered',
        notifiers: [{ notifier: 'webhook', status: 'delivered', attempts: 1 }],
      })
      await deliverPendingAlerts({ store: db.store, notifiers: [notifier], logger: silentLogger })
      expect(webhook.accepted).toHaveLength(1)
    })
  })
})
