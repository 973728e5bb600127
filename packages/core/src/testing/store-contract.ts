import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AlertEvent, AlertEventType } from '../alert-event.js'
import type {
  AlertSpec,
  BeginRunInput,
  ExecutionLogStore,
  FinishRunInput,
  PendingAlert,
  RecordMissedRunInput,
} from '../ports.js'
import { cleanText, clipText, MAX_ERROR_MESSAGE_LENGTH } from '../safe-text.js'
import { abandonedMessage } from '../streak.js'
import type { ContractRunner } from './contract-runner.js'

const MINUTE = 60_000

/**
 * A missed daily 06:00 on the given day of January 2100 (default the 5th): later than any run
 * a test starts, since a time at or before the job's latest run is never missed.
 */
function missedInput(jobName: string, alert: AlertSpec | null, day = 5): RecordMissedRunInput {
  const expectedAt = new Date(Date.UTC(2100, 0, day, 6))
  return {
    jobName,
    runId: `missed:${jobName}:${expectedAt.toISOString()}`,
    expectedAt,
    detectedAt: new Date(expectedAt.getTime() + MINUTE),
    errorMessage: 'No run started within 60000 ms',
    missed: { schedule: '0 6 * * *', timezone: 'UTC', lastRunAt: null },
    alert,
  }
}

/** Makes the store under test; called once, before the suite's tests. */
export type StoreFactory = () => ExecutionLogStore | Promise<ExecutionLogStore>

/** Options of `describeExecutionLogStoreContract`. */
export interface ExecutionLogStoreContractOptions {
  /** Concurrent finishes in the race test. Default 50. */
  concurrency?: number
}

/**
 * The behaviour every `ExecutionLogStore` must have, under the given runner:
 * `describeExecutionLogStoreContract(vitest, 'my store', () => createMyStore())` with
 * `import * as vitest from 'vitest'`. The factory runs once; each test uses
 * its own job names, so a store backed by a shared database needs no cleanup between tests.
 * Lease tests wait real (short) time, since a database keeps its own clock.
 */
export function describeExecutionLogStoreContract(
  runner: ContractRunner,
  name: string,
  makeStore: StoreFactory,
  options: ExecutionLogStoreContractOptions = {},
): void {
  const { describe, it, beforeAll, expect } = runner
  const concurrency = options.concurrency ?? 50

  describe(`ExecutionLogStore contract: ${name}`, () => {
    let store: ExecutionLogStore
    beforeAll(async () => {
      store = await makeStore()
    })

    const newJob = () => `contract-${randomUUID()}`
    const begin = (jobName: string, overrides: Partial<BeginRunInput> = {}) =>
      store.beginRun({
        jobName,
        runId: randomUUID(),
        leaseMs: 60_000,
        exclusive: false,
        host: null,
        alert: null,
        ...overrides,
      })
    const startedRun = async (jobName: string, overrides: Partial<BeginRunInput> = {}) => {
      const runId = randomUUID()
      const result = await begin(jobName, { runId, ...overrides })
      expect(result.outcome).toBe('started')
      return runId
    }
    const finish = async (input: Omit<FinishRunInput, 'alert'> & { alert?: AlertSpec | null }) =>
      (await store.finishRun({ alert: null, ...input }))?.transition ?? null
    const fail = (jobName: string, runId: string, errorMessage = 'boom') =>
      finish({ jobName, runId, status: 'failed', errorMessage, summary: null })
    const succeed = (jobName: string, runId: string) =>
      finish({ jobName, runId, status: 'succeeded', errorMessage: null, summary: null })

    it('records a running row when a run begins', async () => {
      const jobName = newJob()
      const runId = randomUUID()
      const result = await begin(jobName, { runId, host: 'worker-1' })
      expect(result).toMatchObject({ outcome: 'started', consecutiveFailureCount: 0, lastSuccessAt: null })
      expect(result.startedAt).toBeInstanceOf(Date)
      const [row] = await store.listRuns({ jobName })
      expect(row).toMatchObject({
        run_id: runId,
        job_name: jobName,
        status: 'running',
        finished_at: null,
        duration_ms: null,
        consecutive_failure_count: null,
        host: 'worker-1',
      })
    })

    it('counts consecutive failures and resets the count on success', async () => {
      const jobName = newJob()
      const first = await startedRun(jobName)
      const one = await fail(jobName, first, 'first failure')
      expect(one).toMatchObject({ status: 'failed', previousFailureCount: 0, consecutiveFailureCount: 1 })
      expect(one?.lastSuccessAt).toBeNull()
      expect(one?.downSince?.getTime()).toBe(one?.startedAt.getTime())
      expect(one?.previousFailureAt).toBeNull()
      expect(one?.missed).toBeNull()

      const second = await startedRun(jobName)
      const two = await fail(jobName, second, 'second failure')
      expect(two).toMatchObject({ previousFailureCount: 1, consecutiveFailureCount: 2, errorMessage: 'second failure' })
      expect(two?.downSince?.getTime()).toBe(one?.startedAt.getTime())
      expect(two?.previousFailureAt).toEqual(one?.finishedAt)

      const third = await startedRun(jobName)
      const success = await succeed(jobName, third)
      expect(success).toMatchObject({ status: 'succeeded', previousFailureCount: 2, consecutiveFailureCount: 0 })
      expect(success?.lastSuccessAt?.getTime()).toBe(success?.finishedAt.getTime())
      expect(success?.downSince?.getTime()).toBe(one?.startedAt.getTime())

      const fourth = await startedRun(jobName)
      const afterReset = await fail(jobName, fourth)
      expect(afterReset).toMatchObject({ previousFailureCount: 0, consecutiveFailureCount: 1 })
      expect(afterReset?.lastSuccessAt?.getTime()).toBe(success?.finishedAt.getTime())

      const rows = await store.listRuns({ jobName })
      expect(rows.map((row) => [row.status, row.consecutive_failure_count])).toEqual([
        ['failed', 1],
        ['succeeded', 0],
        ['failed', 2],
        ['failed', 1],
      ])
      expect(rows[1]?.last_success_at).toBe(success?.finishedAt.toISOString())
      expect(rows[2]?.error_message).toBe('second failure')
    })

    it('reports timings of a finished run', async () => {
      const jobName = newJob()
      const runId = await startedRun(jobName)
      await sleep(20)
      const transition = await succeed(jobName, runId)
      expect(transition?.durationMs).toBeGreaterThanOrEqual(10)
      expect(transition?.durationMs).toBe(
        (transition?.finishedAt.getTime() ?? 0) - (transition?.startedAt.getTime() ?? 0),
      )
      const [row] = await store.listRuns({ jobName })
      expect(row?.duration_ms).toBe(transition?.durationMs)
      expect(row?.finished_at).toBe(transition?.finishedAt.toISOString())
    })

    it('keeps each job its own streak', async () => {
      const a = newJob()
      const b = newJob()
      await fail(a, await startedRun(a))
      await fail(a, await startedRun(a))
      const other = await fail(b, await startedRun(b))
      expect(other?.consecutiveFailureCount).toBe(1)
      expect(await store.listRuns({ jobName: b })).toHaveLength(1)
    })

    it('lists the newest runs first, up to the limit', async () => {
      const jobName = newJob()
      const ids: string[] = []
      for (let i = 0; i < 5; i++) {
        const runId = await startedRun(jobName)
        ids.push(runId)
        await succeed(jobName, runId)
      }
      const rows = await store.listRuns({ jobName, limit: 3 })
      expect(rows.map((row) => row.run_id)).toEqual(ids.slice(-3).reverse())
    })

    it('lists nothing for an unknown job', async () => {
      expect(await store.listRuns({ jobName: newJob() })).toEqual([])
    })

    it('stores the summary and the full error message', async () => {
      const jobName = newJob()
      const runId = await startedRun(jobName)
      const message = `line one\nline two <!channel> ${'x'.repeat(1000)}`
      await finish({ jobName, runId, status: 'failed', errorMessage: message, summary: { due: 3, sent: 2 } })
      const [row] = await store.listRuns({ jobName })
      expect(row?.error_message).toBe(message)
      expect(row?.summary).toEqual({ due: 3, sent: 2 })
    })

    it('keeps the same text as every other store: clipped to one limit, lone surrogates replaced', async () => {
      const jobName = newJob()
      const runId = await startedRun(jobName)
      const huge = `${'\uD83D'} head ${'y'.repeat(200_000)}\u0000${'😀'.repeat(10)}`
      await finish({ jobName, runId, status: 'failed', errorMessage: huge, summary: null })
      const [row] = await store.listRuns({ jobName })
      expect(row?.error_message).toBe(clipText(cleanText(huge)))
      expect(row?.error_message).toHaveLength(MAX_ERROR_MESSAGE_LENGTH)
      expect(row?.error_message).toMatch(/^\uFFFD head y+ \[truncated \d+ characters\]$/)
    })

    it('refuses a job name with a control character before writing anything', async () => {
      const jobName = `${newJob()}\u0000nul`
      await expect(begin(jobName)).rejects.toThrow(/jobName/)
      await expect(store.listRuns({ jobName: jobName.slice(0, jobName.indexOf('\u0000')) })).resolves.toEqual([])
    })

    it('skips an exclusive run while another holds the lease, naming the holder', async () => {
      const jobName = newJob()
      const holder = await startedRun(jobName, { exclusive: true })
      const skippedId = randomUUID()
      const skipped = await begin(jobName, { runId: skippedId, exclusive: true })
      expect(skipped).toMatchObject({ outcome: 'skipped', holderRunId: holder })
      const [row] = await store.listRuns({ jobName })
      expect(row).toMatchObject({ run_id: skippedId, status: 'skipped', holder_run_id: holder })
      expect(row?.consecutive_failure_count).toBeNull()

      await succeed(jobName, holder)
      expect((await begin(jobName, { exclusive: true })).outcome).toBe('started')
    })

    it('lets only one of many simultaneous exclusive begins start', async () => {
      const jobName = newJob()
      const results = await Promise.all(
        Array.from({ length: Math.min(concurrency, 20) }, () => begin(jobName, { exclusive: true })),
      )
      expect(results.filter((result) => result.outcome === 'started')).toHaveLength(1)
    })

    it('starts overlapping runs when they are not exclusive', async () => {
      const jobName = newJob()
      await startedRun(jobName)
      await startedRun(jobName)
      const rows = await store.listRuns({ jobName })
      expect(rows.map((row) => row.status)).toEqual(['running', 'running'])
    })

    it('closes a run whose lease expired as abandoned, counting it as a failure', async () => {
      const jobName = newJob()
      const crashed = await startedRun(jobName, { exclusive: true, leaseMs: 50 })
      await sleep(150)
      const next = await begin(jobName, { exclusive: true })
      expect(next.outcome).toBe('started')
      expect(next.abandoned).toHaveLength(1)
      expect(next.abandoned[0]).toMatchObject({
        runId: crashed,
        status: 'abandoned',
        previousFailureCount: 0,
        consecutiveFailureCount: 1,
      })
      // The same words in every store: the lease's end, as the run's close time.
      const [abandoned] = next.abandoned
      expect(abandoned?.errorMessage).toBe(abandonedMessage(abandoned?.finishedAt ?? new Date(Number.NaN)))
      if (next.outcome === 'started') expect(next.consecutiveFailureCount).toBe(1)
      const rows = await store.listRuns({ jobName })
      expect(rows[1]).toMatchObject({
        run_id: crashed,
        status: 'abandoned',
        consecutive_failure_count: 1,
        error_message: abandoned?.errorMessage,
      })

      // The crashed process coming back late cannot count its run a second time.
      expect(await fail(jobName, crashed)).toBeNull()
      expect(await store.heartbeat({ jobName, runId: crashed, leaseMs: 60_000 })).toBe(false)
    })

    it('keeps the lease while the heartbeat renews it', async () => {
      const jobName = newJob()
      const runId = await startedRun(jobName, { exclusive: true, leaseMs: 1_500 })
      await sleep(800)
      expect(await store.heartbeat({ jobName, runId, leaseMs: 1_500 })).toBe(true)
      await sleep(900)
      const next = await begin(jobName, { exclusive: true })
      expect(next).toMatchObject({ outcome: 'skipped', holderRunId: runId, abandoned: [] })
    })

    it('refuses to heartbeat or finish a run it does not know', async () => {
      const jobName = newJob()
      expect(await store.heartbeat({ jobName, runId: randomUUID(), leaseMs: 1_000 })).toBe(false)
      expect(await succeed(jobName, randomUUID())).toBeNull()
    })

    it('gives every concurrent failure its own count, so exactly one sees each value', async () => {
      const jobName = newJob()
      const runIds = await Promise.all(Array.from({ length: concurrency }, () => startedRun(jobName)))
      const transitions = await Promise.all(runIds.map((runId) => fail(jobName, runId)))
      const counts = transitions
        .map((transition) => transition?.consecutiveFailureCount)
        .sort((a, b) => (a ?? 0) - (b ?? 0))
      expect(counts).toEqual(Array.from({ length: concurrency }, (_, index) => index + 1))
      const rows = await store.listRuns({ jobName, limit: concurrency })
      const rowCounts = rows.map((row) => row.consecutive_failure_count).sort((a, b) => (a ?? 0) - (b ?? 0))
      expect(rowCounts).toEqual(counts)
    })

    it('records a missed time once, whoever asks first, counting it in the streak like a failure', async () => {
      const jobName = newJob()
      const failed = await fail(jobName, await startedRun(jobName))
      const input = missedInput(jobName, null)
      const claims = await Promise.all(Array.from({ length: 10 }, () => store.recordMissedRun(input)))
      const created = claims.filter((claim) => claim.created)
      expect(created).toHaveLength(1)
      expect(await store.recordMissedRun(input)).toEqual({ created: false, transition: null, alert: null })
      expect(created[0]?.transition).toEqual({
        jobName,
        runId: input.runId,
        status: 'missed',
        startedAt: input.expectedAt,
        finishedAt: input.detectedAt,
        durationMs: MINUTE,
        errorMessage: 'No run started within 60000 ms',
        previousFailureCount: 1,
        consecutiveFailureCount: 2,
        lastSuccessAt: null,
        downSince: failed?.startedAt,
        previousFailureAt: failed?.finishedAt,
        missed: { schedule: '0 6 * * *', timezone: 'UTC', lastRunAt: null },
      })
      const rows = await store.listRuns({ jobName })
      expect(rows.find((row) => row.status === 'missed')).toMatchObject({
        run_id: input.runId,
        started_at: input.expectedAt.toISOString(),
        finished_at: input.detectedAt.toISOString(),
        duration_ms: MINUTE,
        error_message: 'No run started within 60000 ms',
        consecutive_failure_count: 2,
      })
      const next = await fail(jobName, await startedRun(jobName))
      expect(next?.consecutiveFailureCount).toBe(3)
      expect(next?.previousFailureAt).toEqual(input.detectedAt)
    })

    it("records no missed time at or before the start of the job's latest run", async () => {
      const jobName = newJob()
      const begun = await begin(jobName)
      const late = { ...missedInput(jobName, null), expectedAt: new Date(begun.startedAt.getTime() - MINUTE) }
      const atStart = { ...late, runId: `${late.runId}-at-start`, expectedAt: begun.startedAt }
      expect(await store.recordMissedRun(late)).toEqual({ created: false, transition: null, alert: null })
      expect(await store.recordMissedRun(atStart)).toEqual({ created: false, transition: null, alert: null })
      expect(await store.listRuns({ jobName })).toHaveLength(1)
      expect((await store.getJob({ jobName }))?.consecutive_failure_count).toBe(0)
    })

    it('starts a streak at a missed time, and ends it with the next success', async () => {
      const jobName = newJob()
      const first = missedInput(jobName, null, 5)
      const lastRunAt = new Date(Date.UTC(2100, 0, 4, 6))
      const one = await store.recordMissedRun({ ...first, missed: { ...first.missed, lastRunAt } })
      expect(one.transition).toMatchObject({
        previousFailureCount: 0,
        consecutiveFailureCount: 1,
        previousFailureAt: null,
      })
      expect(one.transition?.downSince).toEqual(first.expectedAt)
      expect(one.transition?.missed?.lastRunAt).toEqual(lastRunAt)
      const two = await store.recordMissedRun(missedInput(jobName, null, 6))
      expect(two.transition).toMatchObject({ consecutiveFailureCount: 2 })
      expect(two.transition?.downSince).toEqual(first.expectedAt)
      expect(two.transition?.previousFailureAt).toEqual(first.detectedAt)
      const success = await succeed(jobName, await startedRun(jobName))
      expect(success).toMatchObject({ previousFailureCount: 2, consecutiveFailureCount: 0, previousFailureAt: null })
      expect(success?.downSince).toEqual(first.expectedAt)
    })

    it("tells a job's streak, last run and mute, and nothing of a job it never saw", async () => {
      const jobName = newJob()
      expect(await store.getJob({ jobName })).toBeNull()
      const begun = await begin(jobName)
      await store.recordMissedRun(missedInput(jobName, null))
      expect(await store.getJob({ jobName })).toEqual({
        job_name: jobName,
        consecutive_failure_count: 1,
        down_since: missedInput(jobName, null).expectedAt.toISOString(),
        last_success_at: null,
        // A missed time is not a run.
        last_run_at: begun.startedAt.toISOString(),
        muted_until: null,
      })
      const until = new Date(Date.now() + 3_600_000)
      await store.muteJob({ jobName, until })
      expect((await store.getJob({ jobName }))?.muted_until).toBe(until.toISOString())
      await store.muteJob({ jobName, until: null })
      expect((await store.getJob({ jobName }))?.muted_until).toBeNull()
      // A skipped run is a run the trigger started.
      await begin(jobName, { exclusive: true })
      const skipped = await begin(jobName, { exclusive: true })
      expect(skipped.outcome).toBe('skipped')
      expect((await store.getJob({ jobName }))?.last_run_at).toBe(skipped.startedAt.toISOString())
      const newcomer = newJob()
      await store.muteJob({ jobName: newcomer, until })
      expect(await store.getJob({ jobName: newcomer })).toMatchObject({
        consecutive_failure_count: 0,
        muted_until: until.toISOString(),
      })
    })

    describe('alert entries', () => {
      const spec = (overrides: Partial<AlertSpec> = {}): AlertSpec => ({
        policy: { failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null },
        notifiers: ['slack', 'email'],
        ttlMs: 3_600_000,
        claimMs: 60_000,
        ...overrides,
      })
      const claim = (jobName: string | null, notifiers = ['slack', 'email'], claimMs = 60_000) =>
        store.claimAlerts({ jobNames: jobName === null ? null : [jobName], notifiers, limit: 100, claimMs })
      const failWithAlert = async (jobName: string, alert: AlertSpec = spec()) => {
        const runId = await startedRun(jobName)
        const result = await store.finishRun({
          jobName,
          runId,
          status: 'failed',
          errorMessage: 'down',
          summary: null,
          alert,
        })
        if (!result?.alert) throw new Error('expected an alert entry with the failure')
        return result.alert
      }
      const succeedWithAlert = async (jobName: string) =>
        store.finishRun({
          jobName,
          runId: await startedRun(jobName),
          status: 'succeeded',
          errorMessage: null,
          summary: null,
          alert: spec(),
        })
      const outcome = (
        notifier: string,
        status: 'delivered' | 'failed' | 'timed_out' | 'expired' | 'muted',
        retryAfterMs = 0,
        eventType: AlertEventType = 'consecutive_failures',
      ) => ({
        notifier,
        event_type: eventType,
        status,
        error_message: status === 'delivered' || status === 'muted' ? null : `${notifier} ${status}`,
        attempted_at: new Date().toISOString(),
        duration_ms: status === 'muted' ? 0 : 12,
        retryAfterMs: status === 'failed' || status === 'timed_out' ? retryAfterMs : null,
      })
      const settle = (
        alert: PendingAlert,
        outcomes: ReturnType<typeof outcome>[],
        eventType: AlertEventType = 'consecutive_failures',
      ) => store.recordAlertOutcome({ alertId: alert.alertId, claimToken: alert.claimToken, eventType, outcomes })

      it('writes no entry for a success after a success, and one for a success that ends a streak', async () => {
        const jobName = newJob()
        const quiet = await succeedWithAlert(jobName)
        expect(quiet?.alert).toBeNull()
        const failure = await failWithAlert(jobName)
        await settle(failure, [outcome('slack', 'delivered'), outcome('email', 'delivered')])
        const ended = await succeedWithAlert(jobName)
        expect(ended?.alert?.subject).toMatchObject({
          kind: 'transition',
          transition: { status: 'succeeded', previousFailureCount: 1 },
        })
      })

      it('writes a claimed entry with the transition, the policy and every owed notifier', async () => {
        const jobName = newJob()
        const alert = await failWithAlert(
          jobName,
          spec({ policy: { failureThreshold: 3, notifyOnRecovery: true, realertEveryMs: null } }),
        )
        expect(alert).toMatchObject({
          jobName,
          expired: false,
          policy: { failureThreshold: 3, notifyOnRecovery: true, realertEveryMs: null },
          subject: {
            kind: 'transition',
            transition: { jobName, status: 'failed', consecutiveFailureCount: 1, errorMessage: 'down' },
          },
        })
        expect(alert.alertId).toEqual(expect.any(String))
        expect(alert.claimToken).toEqual(expect.any(String))
        expect(alert.expiresAt.getTime() - alert.createdAt.getTime()).toBe(3_600_000)
        expect(alert.notifiers.map((state) => [state.notifier, state.status, state.attempts])).toEqual([
          ['slack', 'pending', 0],
          ['email', 'pending', 0],
        ])
        // Claimed by its writer: no sweeper takes it meanwhile.
        expect(await claim(jobName)).toEqual([])
        const next = await begin(jobName)
        expect(next).toMatchObject({ outcome: 'started', pendingAlerts: 1 })
        const [record] = await store.listAlerts({ jobName })
        expect(record).toMatchObject({
          alert_id: alert.alertId,
          job_name: jobName,
          status: 'pending',
          event_type: null,
        })
      })

      it('hands a claim that was not settled in time to the next dispatcher', async () => {
        const jobName = newJob()
        const alert = await failWithAlert(jobName, spec({ claimMs: 100 }))
        await sleep(250)
        const [again] = await claim(jobName)
        expect(again?.alertId).toBe(alert.alertId)
        expect(again?.claimToken).not.toBe(alert.claimToken)
        expect(await claim(jobName)).toEqual([])
      })

      it('settles an entry when every notifier has it, and keeps the attempts with the run', async () => {
        const jobName = newJob()
        const alert = await failWithAlert(jobName)
        await settle(alert, [outcome('slack', 'delivered'), outcome('email', 'delivered')])
        const [record] = await store.listAlerts({ jobName })
        expect(record).toMatchObject({ status: 'delivered', event_type: 'consecutive_failures' })
        expect(record?.notifiers.map((state) => [state.notifier, state.status, state.attempts])).toEqual([
          ['slack', 'delivered', 1],
          ['email', 'delivered', 1],
        ])
        const [row] = await store.listRuns({ jobName })
        expect(row?.run_id).toBe(alert.runId)
        expect(row?.deliveries).toEqual([
          {
            notifier: 'slack',
            event_type: 'consecutive_failures',
            status: 'delivered',
            error_message: null,
            attempted_at: expect.any(String),
            duration_ms: 12,
          },
          {
            notifier: 'email',
            event_type: 'consecutive_failures',
            status: 'delivered',
            error_message: null,
            attempted_at: expect.any(String),
            duration_ms: 12,
          },
        ])
        expect((await begin(jobName)).pendingAlerts).toBe(0)
        await sleep(10)
        expect(await claim(null, ['slack', 'email'])).not.toContainEqual(
          expect.objectContaining({ alertId: alert.alertId }),
        )
      })

      it('retries only the notifier that failed, not before its next attempt is due', async () => {
        const jobName = newJob()
        const alert = await failWithAlert(jobName)
        await settle(alert, [outcome('slack', 'delivered'), outcome('email', 'failed', 60_000)])
        expect(await claim(jobName)).toEqual([])
        const later = await failWithAlert(jobName)
        await settle(later, [outcome('slack', 'delivered'), outcome('email', 'timed_out', 0)])
        await sleep(10)
        const [due] = await claim(jobName)
        expect(due?.alertId).toBe(later.alertId)
        expect(due?.notifiers).toEqual([
          expect.objectContaining({ notifier: 'slack', status: 'delivered', attempts: 1 }),
          expect.objectContaining({ notifier: 'email', status: 'failed', attempts: 1, last_error: 'email timed_out' }),
        ])
        if (!due) throw new Error('expected the entry')
        await settle(due, [outcome('email', 'failed', 0)])
        await sleep(10)
        const [third] = await claim(jobName)
        if (!third) throw new Error('expected the entry again')
        await settle(third, [outcome('email', 'delivered')])
        const records = await store.listAlerts({ jobName })
        expect(records.map((record) => record.status)).toEqual(['delivered', 'pending'])
        expect(records[0]?.notifiers.map((state) => [state.notifier, state.status, state.attempts])).toEqual([
          ['slack', 'delivered', 1],
          ['email', 'delivered', 3],
        ])
        const [row] = await store.listRuns({ jobName })
        expect(row?.deliveries.map((delivery) => [delivery.notifier, delivery.status])).toEqual([
          ['slack', 'delivered'],
          ['email', 'timed_out'],
          ['email', 'failed'],
          ['email', 'delivered'],
        ])
      })

      it('never lets a late outcome undo a delivery, nor release a claim it no longer holds', async () => {
        const jobName = newJob()
        const alert = await failWithAlert(jobName, spec({ claimMs: 100 }))
        await sleep(250)
        const [taken] = await claim(jobName)
        if (!taken) throw new Error('expected the entry')
        await settle(alert, [outcome('slack', 'delivered'), outcome('email', 'failed', 0)])
        // The stale claim was released by no one: the second dispatcher still holds it.
        await sleep(10)
        expect(await claim(jobName)).toEqual([])
        await settle(taken, [outcome('slack', 'failed', 0), outcome('email', 'delivered')])
        const [record] = await store.listAlerts({ jobName })
        expect(record?.status).toBe('delivered')
        expect(record?.notifiers.map((state) => state.status)).toEqual(['delivered', 'delivered'])
      })

      it('settles an entry that decided no event', async () => {
        const jobName = newJob()
        const alert = await failWithAlert(jobName)
        await store.recordAlertOutcome({
          alertId: alert.alertId,
          claimToken: alert.claimToken,
          eventType: null,
          outcomes: [],
        })
        const [record] = await store.listAlerts({ jobName })
        expect(record).toMatchObject({ status: 'no_event', event_type: null })
        expect((await begin(jobName)).pendingAlerts).toBe(0)
      })

      it('leaves an entry to a dispatcher that has one of its notifiers, and to its jobs only', async () => {
        const jobName = newJob()
        const other = newJob()
        const alert = await failWithAlert(jobName, spec({ notifiers: ['email'], claimMs: 1 }))
        await failWithAlert(other, spec({ notifiers: ['email'], claimMs: 1 }))
        await sleep(20)
        expect(await claim(jobName, ['slack'])).toEqual([])
        const [mine, ...rest] = await claim(jobName, ['email'])
        expect(mine?.alertId).toBe(alert.alertId)
        expect(rest).toEqual([])
        expect((await claim(other, ['email'])).map((entry) => entry.jobName)).toEqual([other])
      })

      it('hands an expired entry to any dispatcher, marked expired, and settles it as expired', async () => {
        const jobName = newJob()
        const alert = await failWithAlert(jobName, spec({ ttlMs: 50, claimMs: 1 }))
        await sleep(150)
        const [expired] = await claim(jobName, [])
        expect(expired).toMatchObject({ alertId: alert.alertId, expired: true })
        if (!expired) throw new Error('expected the entry')
        await settle(expired, [outcome('slack', 'expired'), outcome('email', 'expired')])
        const [record] = await store.listAlerts({ jobName })
        expect(record?.status).toBe('expired')
        expect(record?.notifiers.map((state) => state.status)).toEqual(['expired', 'expired'])
      })

      it('writes unclaimed entries for runs it closes as abandoned, and counts them as pending', async () => {
        const jobName = newJob()
        await startedRun(jobName, { exclusive: true, leaseMs: 50 })
        await sleep(150)
        const next = await begin(jobName, { exclusive: true, alert: spec() })
        expect(next).toMatchObject({ outcome: 'started', pendingAlerts: 1 })
        const [entry] = await claim(jobName)
        expect(entry?.subject).toMatchObject({
          kind: 'transition',
          transition: { status: 'abandoned', consecutiveFailureCount: 1 },
        })
      })

      it("writes a claimed entry with a missed time's transition and with an event decided while it happened", async () => {
        const jobName = newJob()
        const recorded = await store.recordMissedRun(missedInput(jobName, spec()))
        expect(recorded.created).toBe(true)
        expect(recorded.alert?.subject).toEqual({ kind: 'transition', transition: recorded.transition })
        expect(recorded.alert?.muted).toBe(false)
        const runId = await startedRun(jobName)
        const event: AlertEvent = {
          type: 'long_running',
          job_name: jobName,
          run_id: runId,
          occurred_at: new Date().toISOString(),
          started_at: new Date().toISOString(),
          max_runtime_ms: 1_000,
          running_for_ms: 1_000,
          last_success_at: null,
        }
        const enqueued = await store.enqueueAlert({ jobName, runId, event, alert: spec() })
        expect(enqueued).toMatchObject({ jobName, runId, subject: { kind: 'event', event } })
        expect(await claim(jobName)).toEqual([])
        expect((await store.listAlerts({ jobName })).map((record) => record.run_id)).toEqual([
          runId,
          recorded.alert?.runId,
        ])
        expect((await begin(jobName)).pendingAlerts).toBe(2)
      })

      it('keeps the reminder interval with the entry', async () => {
        const jobName = newJob()
        const policy = { failureThreshold: 2, notifyOnRecovery: true, realertEveryMs: 86_400_000 }
        const alert = await failWithAlert(jobName, spec({ policy, claimMs: 1 }))
        expect(alert.policy).toEqual(policy)
        await sleep(20)
        const [claimed] = await claim(jobName)
        expect(claimed?.policy).toEqual(policy)
      })

      it('marks entries written while the job is muted, until the mute ends', async () => {
        const jobName = newJob()
        await store.muteJob({ jobName, until: new Date(Date.now() + 3_600_000) })
        const muted = await failWithAlert(jobName)
        expect(muted.muted).toBe(true)
        const missed = await store.recordMissedRun(missedInput(jobName, spec()))
        expect(missed.alert?.muted).toBe(true)
        await store.muteJob({ jobName, until: new Date(Date.now() - 1_000) })
        expect((await failWithAlert(jobName)).muted).toBe(false)
        await store.muteJob({ jobName, until: new Date(Date.now() + 3_600_000) })
        await store.muteJob({ jobName, until: null })
        expect((await failWithAlert(jobName)).muted).toBe(false)
      })

      it('settles a muted entry as muted, with its event on the run, and mutes the recovery of its streak', async () => {
        const jobName = newJob()
        await failWithAlert(jobName)
        await store.muteJob({ jobName, until: new Date(Date.now() + 3_600_000) })
        const alert = await failWithAlert(jobName)
        await settle(alert, [outcome('slack', 'muted'), outcome('email', 'muted')])
        const [record] = await store.listAlerts({ jobName })
        expect(record).toMatchObject({ status: 'muted', event_type: 'consecutive_failures' })
        expect(record?.notifiers.map((state) => [state.status, state.attempts])).toEqual([
          ['muted', 0],
          ['muted', 0],
        ])
        const [row] = await store.listRuns({ jobName })
        expect(row?.deliveries.map((delivery) => [delivery.notifier, delivery.status, delivery.error_message])).toEqual(
          [
            ['slack', 'muted', null],
            ['email', 'muted', null],
          ],
        )
        expect((await begin(jobName)).pendingAlerts).toBe(1) // the first failure's entry is still owed
        await store.muteJob({ jobName, until: null })
        const ended = await succeedWithAlert(jobName)
        expect(ended?.alert?.muted).toBe(true)
        // The next streak's alert and recovery are the job's own again.
        const next = await failWithAlert(jobName)
        expect(next.muted).toBe(false)
        const recovered = await succeedWithAlert(jobName)
        expect(recovered?.alert?.muted).toBe(false)
      })

      it('sends the recovery of a streak whose muted alert was followed by a delivered reminder', async () => {
        const jobName = newJob()
        await store.muteJob({ jobName, until: new Date(Date.now() + 3_600_000) })
        await failWithAlert(jobName)
        const alert = await failWithAlert(jobName)
        await settle(alert, [outcome('slack', 'muted'), outcome('email', 'muted')])
        await store.muteJob({ jobName, until: null })
        const reminder = await failWithAlert(jobName)
        await settle(
          reminder,
          [outcome('slack', 'delivered', 0, 'still_failing'), outcome('email', 'delivered', 0, 'still_failing')],
          'still_failing',
        )
        const ended = await succeedWithAlert(jobName)
        expect(ended?.alert?.muted).toBe(false)
      })

      it('gives each entry to one of many dispatchers claiming at once', async () => {
        const jobName = newJob()
        for (let i = 0; i < 30; i++) await failWithAlert(jobName, spec({ claimMs: 1 }))
        await sleep(20)
        const batches = await Promise.all(
          Array.from({ length: 6 }, () =>
            store.claimAlerts({ jobNames: [jobName], notifiers: ['slack'], limit: 10, claimMs: 60_000 }),
          ),
        )
        const ids = batches.flat().map((entry) => entry.alertId)
        expect(ids).toHaveLength(30)
        expect(new Set(ids).size).toBe(30)
      })
    })
  })
}
