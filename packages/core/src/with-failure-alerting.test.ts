import { afterEach, describe, expect, it, vi } from 'vitest'
import { alertEventSchema } from './alert-event.js'
import { LeaseLostError, NotifyTimeoutError, RunSkippedError, StoreError } from './errors.js'
import { silentLogger } from './logger.js'
import { createMemoryStore } from './memory-store.js'
import type { WithFailureAlertingOptions } from './options.js'
import type { ExecutionLogStore } from './ports.js'
import { createRecordingNotifier } from './testing/recording-notifier.js'
import { type Job, withFailureAlerting } from './with-failure-alerting.js'

const jobName = 'assignment-follow-up-reminders'

function setup(overrides: Partial<WithFailureAlertingOptions> = {}) {
  const store = createMemoryStore()
  const notifier = createRecordingNotifier()
  const options = { jobName, store, notifiers: [notifier], logger: silentLogger, ...overrides }
  const wrap = <T>(job: Job<T>) => withFailureAlerting(job, options)
  return { store, notifier, wrap }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A job that succeeds or fails on demand, in call order. */
function scripted(outcomes: Array<'ok' | 'fail'>): Job<string> {
  let call = 0
  return async () => {
    const outcome = outcomes[call++]
    if (outcome === 'fail') throw new Error(`send failed on call ${call}`)
    return `ok ${call}`
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('withFailureAlerting', () => {
  it('alerts once when the second consecutive failure happens, never at the first or third', async () => {
    const { notifier, wrap, store } = setup()
    const run = wrap(scripted(['fail', 'fail', 'fail', 'fail', 'ok', 'fail', 'fail']))

    await expect(run()).rejects.toThrow('send failed on call 1')
    expect(notifier.events).toHaveLength(0)
    await expect(run()).rejects.toThrow('send failed on call 2')
    expect(notifier.events).toHaveLength(1)
    expect(notifier.events[0]?.type).toBe('consecutive_failures')
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    expect(notifier.events).toHaveLength(1)

    await expect(run()).resolves.toBe('ok 5')
    const [successRow] = await store.listRuns({ jobName })
    expect(successRow).toMatchObject({ status: 'succeeded', consecutive_failure_count: 0 })

    await expect(run()).rejects.toThrow()
    expect(notifier.events).toHaveLength(1)
    await expect(run()).rejects.toThrow()
    expect(notifier.events).toHaveLength(2)
    expect(notifier.events[1]).toMatchObject({ consecutive_failure_count: 2, last_success_at: successRow?.finished_at })
  })

  it('honours a custom threshold', async () => {
    const { notifier, wrap } = setup({ failureThreshold: 3 })
    const run = wrap(scripted(['fail', 'fail', 'fail', 'fail']))
    for (let i = 0; i < 2; i++) await expect(run()).rejects.toThrow()
    expect(notifier.events).toHaveLength(0)
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    expect(notifier.events.map((event) => event.type)).toEqual(['consecutive_failures'])
  })

  it('sends the error, the last success and the run in the payload, matching the schema', async () => {
    const { notifier, wrap, store } = setup()
    const run = wrap(scripted(['ok', 'fail', 'fail']))
    await run()
    const [success] = await store.listRuns({ jobName })
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    const rows = await store.listRuns({ jobName })
    const event = notifier.events[0]
    expect(alertEventSchema.parse(event)).toEqual(event)
    expect(event).toEqual({
      type: 'consecutive_failures',
      job_name: jobName,
      run_id: rows[0]?.run_id,
      occurred_at: expect.any(String),
      error_message: 'send failed on call 3',
      last_success_at: success?.finished_at,
      consecutive_failure_count: 2,
      threshold: 2,
      started_at: rows[0]?.started_at,
      finished_at: rows[0]?.finished_at,
      duration_ms: rows[0]?.duration_ms,
      down_since: rows[1]?.started_at,
    })
  })

  it('reports a null last success when the job never succeeded', async () => {
    const { notifier, wrap } = setup()
    const run = wrap(scripted(['fail', 'fail']))
    await expect(run()).rejects.toThrow()
    await expect(run()).rejects.toThrow()
    expect(notifier.events[0]).toMatchObject({ last_success_at: null })
  })

  it('returns the job result and rethrows the job error object itself', async () => {
    const { wrap } = setup()
    const result = { sent: 3 }
    await expect(wrap(async () => result)()).resolves.toBe(result)
    const error = new TypeError('bad row')
    const thrown = await wrap(async () => {
      throw error
    })().catch((caught: unknown) => caught)
    expect(thrown).toBe(error)
  })

  it('rethrows a synchronous throw and a thrown non-Error as they are', async () => {
    const { wrap, store } = setup()
    const sync = new Error('sync')
    await expect(
      wrap(() => {
        throw sync
      })(),
    ).rejects.toBe(sync)
    const value = { code: 42 }
    const thrown = await wrap(() => Promise.reject(value))().catch((caught: unknown) => caught)
    expect(thrown).toBe(value)
    const [row] = await store.listRuns({ jobName })
    expect(row?.error_message).toBe('Non-Error thrown: {"code":42}')
  })

  it('gives the job its run id, job name, start time and signal, and stores its summary', async () => {
    const { wrap, store } = setup()
    let seen: { runId: string; jobName: string; startedAt: Date; aborted: boolean } | undefined
    await wrap(async (ctx) => {
      seen = { runId: ctx.runId, jobName: ctx.jobName, startedAt: ctx.startedAt, aborted: ctx.signal.aborted }
      ctx.setSummary({ due: 10, sent: 9, failed: 1 })
    })()
    const [row] = await store.listRuns({ jobName })
    expect(seen).toEqual({
      runId: row?.run_id,
      jobName,
      startedAt: new Date(row?.started_at ?? 0),
      aborted: false,
    })
    expect(row?.summary).toEqual({ due: 10, sent: 9, failed: 1 })
  })

  it('rejects a summary that is not a small JSON object, naming the field', async () => {
    const { wrap } = setup()
    await expect(wrap((ctx) => ctx.setSummary([1, 2] as never))()).rejects.toThrow(
      /summary: expected a plain JSON object/,
    )
    await expect(wrap((ctx) => ctx.setSummary({ blob: 'x'.repeat(20_000) }))()).rejects.toThrow(
      /summary: expected at most 16384 bytes/,
    )
  })

  describe('alert delivery', () => {
    it('keeps the outcome and the other notifiers when one notifier throws', async () => {
      const broken = createRecordingNotifier({
        name: 'broken',
        behaviour: () => {
          throw new Error('webhook 500')
        },
      })
      const healthy = createRecordingNotifier({ name: 'healthy' })
      const { wrap, store } = setup({ notifiers: [broken, healthy] })
      const run = wrap(scripted(['fail', 'fail']))
      await expect(run()).rejects.toThrow('send failed on call 1')
      await expect(run()).rejects.toThrow('send failed on call 2')
      expect(broken.events).toHaveLength(1)
      expect(healthy.events).toHaveLength(1)
      const [row] = await store.listRuns({ jobName })
      expect(row?.status).toBe('failed')
      expect(row?.deliveries.map((d) => [d.notifier, d.status, d.error_message])).toEqual([
        ['broken', 'failed', 'webhook 500'],
        ['healthy', 'delivered', null],
      ])
    })

    it('logs each delivery outcome', async () => {
      const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
      const broken = createRecordingNotifier({ name: 'broken', behaviour: () => Promise.reject(new Error('down')) })
      const { wrap } = setup({ notifiers: [broken, createRecordingNotifier()], logger })
      const run = wrap(scripted(['fail', 'fail']))
      await expect(run()).rejects.toThrow()
      await expect(run()).rejects.toThrow()
      expect(logger.error).toHaveBeenCalledWith(
        'alert delivery failed',
        expect.objectContaining({ notifier: 'broken', status: 'failed', error_message: 'down' }),
      )
      expect(logger.info).toHaveBeenCalledWith(
        'alert delivered',
        expect.objectContaining({ notifier: 'recording', status: 'delivered' }),
      )
    })

    it('settles at the notify timeout when a notifier never settles, and aborts its signal', async () => {
      vi.useFakeTimers()
      let signal: AbortSignal | undefined
      const hanging = createRecordingNotifier({
        name: 'hanging',
        behaviour: (_event, context) => {
          signal = context.signal
          return new Promise(() => {})
        },
      })
      const { wrap, store } = setup({ notifiers: [hanging], notifyTimeoutMs: 5_000, failureThreshold: 1 })
      const jobError = new Error('down')
      let settled: unknown
      const call = wrap(async () => {
        throw jobError
      })().catch((error: unknown) => {
        settled = error
      })
      await vi.advanceTimersByTimeAsync(4_999)
      expect(settled).toBeUndefined()
      expect(signal?.aborted).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await call
      expect(settled).toBe(jobError)
      expect(signal?.aborted).toBe(true)
      expect(signal?.reason).toBeInstanceOf(NotifyTimeoutError)
      const [row] = await store.listRuns({ jobName })
      expect(row).toMatchObject({ status: 'failed' })
      expect(row?.deliveries[0]).toMatchObject({ notifier: 'hanging', status: 'timed_out', duration_ms: 5_000 })
    })

    it('warns when an alert is decided but no notifier is configured', async () => {
      const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
      const { wrap } = setup({ notifiers: [], logger, failureThreshold: 1 })
      await expect(wrap(scripted(['fail']))()).rejects.toThrow()
      expect(logger.warn).toHaveBeenCalledWith(
        'alert decided but no notifiers are configured',
        expect.objectContaining({ event: expect.objectContaining({ type: 'consecutive_failures' }) }),
      )
    })
  })

  it('sends one long_running event while a run passes maxRuntimeMs', async () => {
    vi.useFakeTimers()
    const { wrap, notifier, store } = setup({ maxRuntimeMs: 60_000, lock: { leaseMs: 600_000 } })
    const gate = deferred()
    const call = wrap(() => gate.promise)()
    await vi.advanceTimersByTimeAsync(59_999)
    expect(notifier.events).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(notifier.events).toHaveLength(1)
    const [running] = await store.listRuns({ jobName })
    expect(running?.status).toBe('running')
    expect(notifier.events[0]).toMatchObject({
      type: 'long_running',
      run_id: running?.run_id,
      max_runtime_ms: 60_000,
      running_for_ms: 60_000,
      last_success_at: null,
    })
    await vi.advanceTimersByTimeAsync(600_000)
    expect(notifier.events).toHaveLength(1)
    gate.resolve()
    await call
    const [row] = await store.listRuns({ jobName })
    expect(row?.status).toBe('succeeded')
    expect(row?.deliveries.map((d) => d.event_type)).toEqual(['long_running'])
  })

  it('sends no long_running event when maxRuntimeMs is false', async () => {
    vi.useFakeTimers()
    const { wrap, notifier } = setup({ maxRuntimeMs: false })
    const gate = deferred()
    const call = wrap(() => gate.promise)()
    await vi.advanceTimersByTimeAsync(24 * 3_600_000)
    gate.resolve()
    await call
    expect(notifier.events).toHaveLength(0)
  })

  describe('overlap', () => {
    it('runs an overlapping call of the same job once and rejects the other with the holder', async () => {
      const { wrap, store } = setup()
      const gate = deferred()
      const job = vi.fn(() => gate.promise)
      const run = wrap(job)
      const first = run()
      const second = await run().catch((error: unknown) => error)
      expect(second).toBeInstanceOf(RunSkippedError)
      const [skippedRow, holderRow] = await store.listRuns({ jobName })
      expect(second).toMatchObject({ holderRunId: holderRow?.run_id, runId: skippedRow?.run_id, jobName })
      expect(skippedRow).toMatchObject({ status: 'skipped', holder_run_id: holderRow?.run_id })
      gate.resolve()
      await first
      expect(job).toHaveBeenCalledTimes(1)
      await run()
      expect(job).toHaveBeenCalledTimes(2)
    })

    it('closes a crashed run as abandoned on the next run, counting it as a failure', async () => {
      let clock = new Date('2026-01-05T06:00:00Z')
      const store = createMemoryStore({ now: () => clock })
      const notifier = createRecordingNotifier()
      const run = withFailureAlerting(scripted(['fail']), {
        jobName,
        store,
        notifiers: [notifier],
        logger: silentLogger,
        lock: { leaseMs: 60_000 },
      })
      // A process that took the lease and died: no heartbeat, no finish.
      await store.beginRun({ jobName, runId: 'crashed', leaseMs: 60_000, exclusive: true, host: 'a', alert: null })
      clock = new Date(clock.getTime() + 30_000)
      await expect(run()).rejects.toBeInstanceOf(RunSkippedError)
      clock = new Date(clock.getTime() + 60_000)
      await expect(run()).rejects.toThrow('send failed on call 1')
      const rows = await store.listRuns({ jobName })
      expect(rows.map((row) => [row.status, row.consecutive_failure_count])).toEqual([
        ['failed', 2],
        ['skipped', null],
        ['abandoned', 1],
      ])
      expect(notifier.events).toHaveLength(1)
      expect(notifier.events[0]).toMatchObject({ consecutive_failure_count: 2 })
    })

    it('alerts when the abandoned run itself completes the streak', async () => {
      let clock = new Date('2026-01-05T06:00:00Z')
      const store = createMemoryStore({ now: () => clock })
      const notifier = createRecordingNotifier()
      const run = withFailureAlerting(scripted(['ok']), {
        jobName,
        store,
        notifiers: [notifier],
        logger: silentLogger,
      })
      const failed = await store.beginRun({
        jobName,
        runId: 'failed',
        leaseMs: 60_000,
        exclusive: true,
        host: null,
        alert: null,
      })
      expect(failed.outcome).toBe('started')
      await store.finishRun({
        jobName,
        runId: 'failed',
        status: 'failed',
        errorMessage: 'x',
        summary: null,
        alert: null,
      })
      await store.beginRun({ jobName, runId: 'crashed', leaseMs: 60_000, exclusive: true, host: null, alert: null })
      clock = new Date(clock.getTime() + 120_000)
      await expect(run()).resolves.toBe('ok 1')
      expect(notifier.events).toEqual([
        expect.objectContaining({
          type: 'consecutive_failures',
          run_id: 'crashed',
          consecutive_failure_count: 2,
          error_message: expect.stringMatching(/^Run abandoned: its lease expired/),
        }),
      ])
      const rows = await store.listRuns({ jobName })
      expect(rows[1]?.deliveries).toHaveLength(1)
    })

    it('aborts the job signal when the heartbeat finds the run closed by a later run', async () => {
      vi.useFakeTimers()
      let clock = new Date('2026-01-05T06:00:00Z')
      const store = createMemoryStore({ now: () => clock })
      const run = withFailureAlerting(
        async (ctx) =>
          new Promise<unknown>((resolve) => ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason))),
        { jobName, store, logger: silentLogger, lock: { leaseMs: 3_000 } },
      )
      const stalled = run()
      // The process stalls past its lease; another process closes the run as abandoned.
      clock = new Date(clock.getTime() + 10_000)
      await store.beginRun({ jobName, runId: 'successor', leaseMs: 3_000, exclusive: true, host: null, alert: null })
      await vi.advanceTimersByTimeAsync(1_000)
      await expect(stalled).resolves.toBeInstanceOf(LeaseLostError)
    })

    it('does not report a lost lease when a heartbeat answer arrives after the run finished', async () => {
      vi.useFakeTimers()
      const memory = createMemoryStore()
      const lateAnswer = deferred<boolean>()
      const store: ExecutionLogStore = { ...memory, heartbeat: () => lateAnswer.promise }
      const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
      const run = withFailureAlerting(() => new Promise((resolve) => setTimeout(resolve, 1_500)), {
        jobName,
        store,
        logger,
        lock: { leaseMs: 3_000 },
      })
      const call = run()
      await vi.advanceTimersByTimeAsync(1_500)
      await call
      lateAnswer.resolve(false) // the run is closed by now, as the heartbeat finds
      await vi.advanceTimersByTimeAsync(0)
      expect(logger.warn).not.toHaveBeenCalled()
    })

    it('lets 100 concurrent failing calls count to 100 with exactly one alert when the lock is off', async () => {
      const { wrap, notifier, store } = setup({ lock: false })
      const run = wrap(async () => {
        await new Promise((resolve) => setImmediate(resolve))
        throw new Error('down')
      })
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => run()))
      expect(results.every((result) => result.status === 'rejected')).toBe(true)
      const rows = await store.listRuns({ jobName, limit: 200 })
      expect(rows).toHaveLength(100)
      expect(rows.map((row) => row.consecutive_failure_count).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        Array.from({ length: 100 }, (_, index) => index + 1),
      )
      expect(notifier.events).toHaveLength(1)
    })
  })

  describe('recovery', () => {
    it('sends one recovered event after an alerted streak when asked to', async () => {
      const { wrap, notifier, store } = setup({ notifyOnRecovery: true })
      const run = wrap(scripted(['fail', 'fail', 'fail', 'ok', 'ok']))
      for (let i = 0; i < 3; i++) await expect(run()).rejects.toThrow()
      await run()
      await run()
      expect(notifier.events.map((event) => event.type)).toEqual(['consecutive_failures', 'recovered'])
      const rows = await store.listRuns({ jobName })
      expect(notifier.events[1]).toEqual({
        type: 'recovered',
        job_name: jobName,
        run_id: rows[1]?.run_id,
        occurred_at: expect.any(String),
        failures_in_streak: 3,
        down_since: rows[4]?.started_at,
        last_success_at: rows[1]?.finished_at,
      })
      expect(alertEventSchema.safeParse(notifier.events[1]).success).toBe(true)
    })

    it('stays quiet on a success after a streak that never alerted', async () => {
      const { wrap, notifier } = setup({ notifyOnRecovery: true })
      const run = wrap(scripted(['fail', 'ok']))
      await expect(run()).rejects.toThrow()
      await run()
      expect(notifier.events).toHaveLength(0)
    })

    it('sends no recovered event by default', async () => {
      const { wrap, notifier } = setup()
      const run = wrap(scripted(['fail', 'fail', 'ok']))
      await expect(run()).rejects.toThrow()
      await expect(run()).rejects.toThrow()
      await run()
      expect(notifier.events.map((event) => event.type)).toEqual(['consecutive_failures'])
    })
  })

  describe('store failures', () => {
    const failing = (store: ExecutionLogStore, method: keyof ExecutionLogStore): ExecutionLogStore => ({
      ...store,
      [method]: () => Promise.reject(new Error(`connection closed during ${method}`)),
    })

    it('rejects with a StoreError and does not run the job when the run cannot begin', async () => {
      const onInternalError = vi.fn()
      const store = failing(createMemoryStore(), 'beginRun')
      const job = vi.fn()
      const error = await withFailureAlerting(job, { jobName, store, logger: silentLogger, onInternalError })().catch(
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(StoreError)
      expect((error as StoreError).cause).toEqual(new Error('connection closed during beginRun'))
      expect(job).not.toHaveBeenCalled()
      expect(onInternalError).toHaveBeenCalledWith(error)
    })

    it('still hands back the job outcome when the finish cannot be recorded', async () => {
      const onInternalError = vi.fn()
      const store = failing(createMemoryStore(), 'finishRun')
      const run = withFailureAlerting(async () => 'sent', { jobName, store, logger: silentLogger, onInternalError })
      await expect(run()).resolves.toBe('sent')
      expect(onInternalError).toHaveBeenCalledWith(expect.any(StoreError))
      expect(onInternalError.mock.calls[0]?.[0].message).toMatch(/finishRun: connection closed during finishRun/)

      // The unfinished run keeps its lease until it expires; a new store keeps this test simple.
      const jobError = new Error('job broke')
      const failingRun = withFailureAlerting(
        async () => {
          throw jobError
        },
        { jobName, store: failing(createMemoryStore(), 'finishRun'), logger: silentLogger, onInternalError },
      )
      await expect(failingRun()).rejects.toBe(jobError)
    })

    it('keeps the outcome when delivery records cannot be stored', async () => {
      const onInternalError = vi.fn()
      const store = failing(createMemoryStore(), 'recordAlertOutcome')
      const notifier = createRecordingNotifier()
      const run = withFailureAlerting(scripted(['fail']), {
        jobName,
        store,
        notifiers: [notifier],
        failureThreshold: 1,
        logger: silentLogger,
        onInternalError,
      })
      await expect(run()).rejects.toThrow('send failed on call 1')
      expect(notifier.events).toHaveLength(1)
      expect(onInternalError).toHaveBeenCalledWith(expect.objectContaining({ operation: 'recordAlertOutcome' }))
    })

    it('survives an onInternalError hook that throws', async () => {
      const store = failing(createMemoryStore(), 'finishRun')
      const run = withFailureAlerting(async () => 1, {
        jobName,
        store,
        logger: silentLogger,
        onInternalError: () => {
          throw new Error('hook bug')
        },
      })
      await expect(run()).resolves.toBe(1)
    })
  })
})
