import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BeginRunInput, DeliveryRecord, ExecutionLogStore } from '../ports.js'

export type StoreFactory = () => ExecutionLogStore | Promise<ExecutionLogStore>

export interface ExecutionLogStoreContractOptions {
  /** Concurrent finishes in the race test. Default 50. */
  concurrency?: number
}

/**
 * The behaviour every `ExecutionLogStore` must have. The factory runs once; each test uses
 * its own job names, so a store backed by a shared database needs no cleanup between tests.
 * Lease tests wait real (short) time, since a database keeps its own clock.
 */
export function describeExecutionLogStoreContract(
  name: string,
  makeStore: StoreFactory,
  options: ExecutionLogStoreContractOptions = {},
): void {
  const concurrency = options.concurrency ?? 50

  describe(`ExecutionLogStore contract: ${name}`, () => {
    let store: ExecutionLogStore
    beforeAll(async () => {
      store = await makeStore()
    })

    const newJob = () => `contract-${randomUUID()}`
    const begin = (jobName: string, overrides: Partial<BeginRunInput> = {}) =>
      store.beginRun({ jobName, runId: randomUUID(), leaseMs: 60_000, exclusive: false, host: null, ...overrides })
    const startedRun = async (jobName: string, overrides: Partial<BeginRunInput> = {}) => {
      const runId = randomUUID()
      const result = await begin(jobName, { runId, ...overrides })
      expect(result.outcome).toBe('started')
      return runId
    }
    const fail = (jobName: string, runId: string, errorMessage = 'boom') =>
      store.finishRun({ jobName, runId, status: 'failed', errorMessage, summary: null })
    const succeed = (jobName: string, runId: string) =>
      store.finishRun({ jobName, runId, status: 'succeeded', errorMessage: null, summary: null })

    it('records a running row when a run begins', async () => {
      const jobName = newJob()
      const runId = randomUUID()
      const result = await begin(jobName, { runId, host: 'worker-1' })
      expect(result).toMatchObject({ outcome: 'started', consecutiveFailureCount: 0, lastSuccessAt: null })
      expect(result.startedAt).toBeInstanceOf(Date)
      const [row] = await store.listRuns(jobName)
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

      const second = await startedRun(jobName)
      const two = await fail(jobName, second, 'second failure')
      expect(two).toMatchObject({ previousFailureCount: 1, consecutiveFailureCount: 2, errorMessage: 'second failure' })
      expect(two?.downSince?.getTime()).toBe(one?.startedAt.getTime())

      const third = await startedRun(jobName)
      const success = await succeed(jobName, third)
      expect(success).toMatchObject({ status: 'succeeded', previousFailureCount: 2, consecutiveFailureCount: 0 })
      expect(success?.lastSuccessAt?.getTime()).toBe(success?.finishedAt.getTime())
      expect(success?.downSince?.getTime()).toBe(one?.startedAt.getTime())

      const fourth = await startedRun(jobName)
      const afterReset = await fail(jobName, fourth)
      expect(afterReset).toMatchObject({ previousFailureCount: 0, consecutiveFailureCount: 1 })
      expect(afterReset?.lastSuccessAt?.getTime()).toBe(success?.finishedAt.getTime())

      const rows = await store.listRuns(jobName)
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
      const [row] = await store.listRuns(jobName)
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
      expect(await store.listRuns(b)).toHaveLength(1)
    })

    it('lists the newest runs first, up to the limit', async () => {
      const jobName = newJob()
      const ids: string[] = []
      for (let i = 0; i < 5; i++) {
        const runId = await startedRun(jobName)
        ids.push(runId)
        await succeed(jobName, runId)
      }
      const rows = await store.listRuns(jobName, { limit: 3 })
      expect(rows.map((row) => row.run_id)).toEqual(ids.slice(-3).reverse())
    })

    it('lists nothing for an unknown job', async () => {
      expect(await store.listRuns(newJob())).toEqual([])
    })

    it('stores the summary and the full error message', async () => {
      const jobName = newJob()
      const runId = await startedRun(jobName)
      const message = `line one\nline two <!channel> ${'x'.repeat(1000)}`
      await store.finishRun({ jobName, runId, status: 'failed', errorMessage: message, summary: { due: 3, sent: 2 } })
      const [row] = await store.listRuns(jobName)
      expect(row?.error_message).toBe(message)
      expect(row?.summary).toEqual({ due: 3, sent: 2 })
    })

    it('skips an exclusive run while another holds the lease, naming the holder', async () => {
      const jobName = newJob()
      const holder = await startedRun(jobName, { exclusive: true })
      const skippedId = randomUUID()
      const skipped = await begin(jobName, { runId: skippedId, exclusive: true })
      expect(skipped).toMatchObject({ outcome: 'skipped', holderRunId: holder })
      const [row] = await store.listRuns(jobName)
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
      const rows = await store.listRuns(jobName)
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
      expect(next.abandoned[0]?.errorMessage).toMatch(/lease expired/)
      if (next.outcome === 'started') expect(next.consecutiveFailureCount).toBe(1)
      const rows = await store.listRuns(jobName)
      expect(rows[1]).toMatchObject({ run_id: crashed, status: 'abandoned', consecutive_failure_count: 1 })

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
      const rows = await store.listRuns(jobName, { limit: concurrency })
      const rowCounts = rows.map((row) => row.consecutive_failure_count).sort((a, b) => (a ?? 0) - (b ?? 0))
      expect(rowCounts).toEqual(counts)
    })

    it('records a missed time once, whoever asks first, without touching the streak', async () => {
      const jobName = newJob()
      await fail(jobName, await startedRun(jobName))
      const expectedAt = new Date(Date.now() - 120_000)
      const input = {
        jobName,
        runId: `missed:${jobName}:${expectedAt.toISOString()}`,
        expectedAt,
        detectedAt: new Date(expectedAt.getTime() + 60_000),
        errorMessage: 'No run started within 60000 ms',
      }
      const claims = await Promise.all(Array.from({ length: 10 }, () => store.recordMissedRun(input)))
      expect(claims.filter(Boolean)).toHaveLength(1)
      expect(await store.recordMissedRun(input)).toBe(false)
      const rows = await store.listRuns(jobName)
      expect(rows.find((row) => row.status === 'missed')).toMatchObject({
        run_id: input.runId,
        started_at: expectedAt.toISOString(),
        finished_at: input.detectedAt.toISOString(),
        error_message: 'No run started within 60000 ms',
        consecutive_failure_count: null,
      })
      const next = await fail(jobName, await startedRun(jobName))
      expect(next?.consecutiveFailureCount).toBe(2)
    })

    it('appends delivery records to the run they are about', async () => {
      const jobName = newJob()
      const runId = await startedRun(jobName)
      await fail(jobName, runId)
      const delivery: DeliveryRecord = {
        notifier: 'slack',
        event_type: 'consecutive_failures',
        status: 'timed_out',
        error_message: 'Notifier "slack" did not finish within 5000 ms',
        attempted_at: new Date().toISOString(),
        duration_ms: 5000,
      }
      await store.recordDeliveries(runId, [delivery])
      await store.recordDeliveries(runId, [
        { ...delivery, notifier: 'email', status: 'delivered', error_message: null },
      ])
      const [row] = await store.listRuns(jobName)
      expect(row?.deliveries.map((entry) => [entry.notifier, entry.status])).toEqual([
        ['slack', 'timed_out'],
        ['email', 'delivered'],
      ])
      expect(row?.deliveries[0]).toEqual(delivery)
    })
  })
}
