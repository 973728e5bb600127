import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type OptionsError, StoreError, StoreTimeoutError } from './errors.js'
import { type Logger, silentLogger } from './logger.js'
import { createMemoryStore } from './memory-store.js'
import type { ExecutionLogStore, RunRecord } from './ports.js'
import { MAX_ERROR_MESSAGE_LENGTH } from './safe-text.js'
import { hostileValues } from './testing/hostile-values.js'
import { createRecordingNotifier } from './testing/recording-notifier.js'
import { withFailureAlerting } from './with-failure-alerting.js'

// The promise under test: nothing a job, a notifier, a logger or a store does breaks the
// wrapper. Each case below was seen to break it once; the last test throws everything.

const jobName = 'assignment-follow-up-reminders'
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const throwingLogger: Logger = {
  info() {
    throw new Error('logger info')
  },
  warn() {
    throw new Error('logger warn')
  },
  error() {
    throw Symbol('logger error')
  },
}

function expectWellFormedMessage(row: RunRecord | undefined): void {
  expect(row?.error_message).toEqual(expect.any(String))
  expect(row?.error_message?.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH)
  expect(row?.error_message).not.toMatch(LONE_SURROGATE)
}

let unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeEach(() => {
  unhandled = []
  process.on('unhandledRejection', onUnhandled)
})
afterEach(async () => {
  vi.useRealTimers()
  // Rejections are reported a turn after they happen.
  await new Promise((resolve) => setTimeout(resolve, 5))
  process.off('unhandledRejection', onUnhandled)
  expect(unhandled).toEqual([])
})

describe('hostile user code', () => {
  it("keeps the job's outcome and the other notifier's delivery when a notifier rejects with unreadable values", async () => {
    for (const [index, value] of hostileValues().entries()) {
      const store = createMemoryStore()
      const other = createRecordingNotifier({ name: 'other' })
      const hostile = createRecordingNotifier({ name: 'hostile', behaviour: () => Promise.reject(value) })
      const jobError = new Error(`job failed ${index}`)
      const run = withFailureAlerting(
        async () => {
          throw jobError
        },
        { jobName, store, notifiers: [hostile, other], failureThreshold: 1, logger: silentLogger },
      )
      await expect(run()).rejects.toBe(jobError)
      expect(other.events).toHaveLength(1)
      const [entry] = await store.listAlerts({ jobName })
      const states = Object.fromEntries(entry?.notifiers.map((state) => [state.notifier, state]) ?? [])
      expect(states.other?.status).toBe('delivered')
      expect(states.hostile?.status).toBe('failed')
      expect(states.hostile?.last_error).not.toMatch(LONE_SURROGATE)
    }
  })

  it('closes the run as failed with a readable message whatever the job throws, and frees the lease', async () => {
    for (const value of hostileValues()) {
      const store = createMemoryStore()
      const run = withFailureAlerting(
        async () => {
          throw value
        },
        { jobName, store, logger: silentLogger },
      )
      // Wrapped: a handler returning a Proxy whose traps throw would itself reject.
      const caught = await run().then(
        () => ({ error: 'resolved' }),
        (error: unknown) => ({ error }),
      )
      expect(Object.is(caught.error, value)).toBe(true)
      const [row] = await store.listRuns({ jobName })
      expect(row?.status).toBe('failed')
      expectWellFormedMessage(row)
      // The next call runs: the first did not leave its lease behind.
      await expect(withFailureAlerting(async () => 'next', { jobName, store, logger: silentLogger })()).resolves.toBe(
        'next',
      )
    }
  })

  it('stores a thrown Symbol by its description and a thrown string with the non-Error prefix', async () => {
    const store = createMemoryStore()
    const wrap = (value: unknown) =>
      withFailureAlerting(
        async () => {
          throw value
        },
        { jobName, store, logger: silentLogger },
      )
    await wrap(Symbol('quota exceeded'))().catch(() => {})
    await wrap('plain text')().catch(() => {})
    const [text, symbol] = await store.listRuns({ jobName })
    expect(symbol?.error_message).toBe('Non-Error thrown: Symbol(quota exceeded)')
    expect(text?.error_message).toBe('Non-Error thrown: plain text')
  })

  it('stores a 10 MB error clipped to the one limit every store uses', async () => {
    const store = createMemoryStore()
    const run = withFailureAlerting(
      async () => {
        throw new Error('z'.repeat(10_000_000))
      },
      { jobName, store, logger: silentLogger },
    )
    await run().catch(() => {})
    const [row] = await store.listRuns({ jobName })
    expect(row?.error_message?.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH)
    expect(row?.error_message).toMatch(/^z+ \[truncated \d+ characters\]$/)
  })

  it('stores half an emoji in an error, a summary and a delivery error as U+FFFD', async () => {
    const store = createMemoryStore()
    const half = '😀'.slice(0, 1)
    const notifier = createRecordingNotifier({
      behaviour: () => Promise.reject(new Error(`channel said ${half}`)),
    })
    const run = withFailureAlerting(
      async (ctx) => {
        ctx.setSummary({ [`key${half}`]: `value${half}` })
        throw new Error(`failed ${half}`)
      },
      { jobName, store, notifiers: [notifier], failureThreshold: 1, logger: silentLogger },
    )
    await run().catch(() => {})
    const [row] = await store.listRuns({ jobName })
    expect(row?.error_message).toBe('failed \uFFFD')
    expect(row?.summary).toEqual({ 'key\uFFFD': 'value\uFFFD' })
    expect(row?.deliveries[0]?.error_message).toBe('channel said \uFFFD')
  })

  it('does not crash when a long_running alert meets a notifier rejecting with a throwing Proxy', async () => {
    vi.useFakeTimers()
    const trap = () => {
      throw new Error('trap')
    }
    const notifier = createRecordingNotifier({
      behaviour: () => Promise.reject(new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap })),
    })
    const run = withFailureAlerting(() => new Promise((resolve) => setTimeout(() => resolve('done'), 5_000)), {
      jobName,
      store: createMemoryStore(),
      notifiers: [notifier],
      maxRuntimeMs: 1_000,
      logger: throwingLogger,
    })
    const result = run()
    await vi.advanceTimersByTimeAsync(5_000)
    await expect(result).resolves.toBe('done')
    expect(notifier.events.map((event) => event.type)).toEqual(['long_running'])
  })

  it('keeps running when the logger throws while heartbeats fail', async () => {
    vi.useFakeTimers()
    const onInternalError = vi.fn()
    const store: ExecutionLogStore = {
      ...createMemoryStore(),
      heartbeat: () => Promise.reject(new Error('connection reset')),
    }
    const run = withFailureAlerting(() => new Promise((resolve) => setTimeout(() => resolve('done'), 10_000)), {
      jobName,
      store,
      lock: { leaseMs: 3_000 },
      logger: throwingLogger,
      onInternalError,
    })
    const result = run()
    await vi.advanceTimersByTimeAsync(10_000)
    await expect(result).resolves.toBe('done')
    expect(onInternalError).toHaveBeenCalledWith(expect.objectContaining({ operation: 'heartbeat' }))
  })

  it('keeps the outcome when onInternalError throws or rejects with unreadable values', async () => {
    for (const value of hostileValues()) {
      const store: ExecutionLogStore = { ...createMemoryStore(), finishRun: () => Promise.reject(value) }
      const run = withFailureAlerting(async () => 'sent', {
        jobName,
        store,
        logger: throwingLogger,
        onInternalError: () => Promise.reject(value),
      })
      await expect(run()).resolves.toBe('sent')
    }
  })

  describe('store calls are bounded by storeTimeoutMs', () => {
    const hang = () => new Promise<never>(() => {})

    it('rejects with a StoreError without running the job when beginRun does not answer', async () => {
      vi.useFakeTimers()
      const job = vi.fn()
      const run = withFailureAlerting(job, {
        jobName,
        store: { ...createMemoryStore(), beginRun: hang },
        storeTimeoutMs: 2_000,
        logger: silentLogger,
      })
      const caught = run().catch((error: unknown) => error)
      await vi.advanceTimersByTimeAsync(2_000)
      const error = await caught
      expect(error).toBeInstanceOf(StoreError)
      expect((error as StoreError).operation).toBe('beginRun')
      expect((error as StoreError).cause).toBeInstanceOf(StoreTimeoutError)
      expect(job).not.toHaveBeenCalled()
    })

    it('hands back the result and reports the finish when finishRun does not answer', async () => {
      vi.useFakeTimers()
      const onInternalError = vi.fn()
      const run = withFailureAlerting(async () => 'sent', {
        jobName,
        store: { ...createMemoryStore(), finishRun: hang },
        storeTimeoutMs: 2_000,
        logger: silentLogger,
        onInternalError,
      })
      const result = run()
      await vi.advanceTimersByTimeAsync(2_000)
      await expect(result).resolves.toBe('sent')
      expect(onInternalError).toHaveBeenCalledWith(expect.objectContaining({ operation: 'finishRun' }))
    })

    it('refuses a store timeout that is not a positive number of milliseconds', () => {
      expect(() =>
        withFailureAlerting(async () => {}, { jobName, store: createMemoryStore(), storeTimeoutMs: 0 }),
      ).toThrow(/storeTimeoutMs/)
    })
  })

  describe('options that every store could not keep', () => {
    const store = createMemoryStore()
    const optionsError = (options: Record<string, unknown>) => {
      try {
        withFailureAlerting(async () => {}, { jobName, store, ...options })
      } catch (error) {
        return error as OptionsError
      }
      throw new Error('expected an OptionsError')
    }

    it('refuses NUL, line breaks and bidi controls in the job name, the host and notifier names', () => {
      for (const bad of ['daily\u0000reminders', 'daily\r\nreminders', 'daily\u202Esrednimer']) {
        expect(optionsError({ jobName: bad }).message).toMatch(/jobName: expected a job name without control/)
        expect(optionsError({ host: bad }).message).toMatch(/host: expected a host name without control/)
        const notifier = { name: bad, notify: async () => {} }
        expect(optionsError({ notifiers: [notifier] }).message).toMatch(/notifiers\.0: expected a Notifier/)
      }
    })

    it('refuses a lease under a second, saying why', () => {
      for (const leaseMs of [1, 2, 999]) {
        const error = optionsError({ lock: { leaseMs } })
        expect(error.issues).toEqual([
          { path: 'lock.leaseMs', message: expect.stringMatching(/at least 1000 ms \(the heartbeat renews/) },
        ])
      }
    })
  })

  it('gives the caller the job outcome itself, whatever jobs, notifiers and loggers throw', async () => {
    const hostile = hostileValues()
    // Hostile values are picked by index: fast-check itself cannot inspect a Proxy that throws.
    const plainValue = fc.anything({ withBigInt: true, withNullPrototype: true }).map((value) => () => value)
    const anyValue = fc.oneof(
      plainValue,
      fc.nat({ max: hostile.length - 1 }).map((index) => () => hostile[index]),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        anyValue,
        plainValue,
        anyValue,
        fc.boolean(),
        async (jobFails, thrown, returned, notifierValue, loggerThrows) => {
          const store = createMemoryStore()
          // A result is awaited (a Proxy whose `then` getter throws rejects there, in any
          // async code), so results are plain values; anything at all is thrown.
          const value = jobFails ? thrown() : returned()
          const other = createRecordingNotifier({ name: 'other' })
          const hostileNotifier = createRecordingNotifier({
            name: 'hostile',
            behaviour: () => {
              throw notifierValue()
            },
          })
          const run = withFailureAlerting(
            () => {
              if (jobFails) throw value
              return value
            },
            {
              jobName,
              store,
              notifiers: [hostileNotifier, other],
              failureThreshold: 1,
              logger: loggerThrows ? throwingLogger : silentLogger,
            },
          )
          const settled = await run().then(
            (result: unknown) => ({ ok: true, value: result }),
            (error: unknown) => ({ ok: false, value: error }),
          )
          expect(settled.ok).toBe(!jobFails)
          expect(Object.is(settled.value, value)).toBe(true)
          const [row] = await store.listRuns({ jobName })
          expect(row?.status).toBe(jobFails ? 'failed' : 'succeeded')
          if (jobFails) {
            expectWellFormedMessage(row)
            expect(other.events).toHaveLength(1)
            expect(row?.deliveries.map((delivery) => delivery.notifier).sort()).toEqual(['hostile', 'other'])
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
