import { describe, expect, it, vi } from 'vitest'
import { StoreTimeoutError } from './errors.js'
import { createMemoryStore } from './memory-store.js'
import type { ExecutionLogStore } from './ports.js'
import { withStoreTimeout } from './store-timeout.js'

const never = () => new Promise<never>(() => {})

describe('withStoreTimeout', () => {
  it('passes results and rejections through unchanged', async () => {
    const store = withStoreTimeout(createMemoryStore(), 1_000)
    await expect(store.listRuns({ jobName: 'job' })).resolves.toEqual([])
    await expect(
      store.beginRun({ jobName: 'a\u0000', runId: 'r', leaseMs: 1_000, exclusive: true, host: null, alert: null }),
    ).rejects.toThrow(/jobName/)
  })

  it('rejects a call that does not settle in time with StoreTimeoutError naming the call', async () => {
    vi.useFakeTimers()
    try {
      const hanging = { ...createMemoryStore(), heartbeat: never } satisfies ExecutionLogStore
      const call = withStoreTimeout(hanging, 500).heartbeat({ jobName: 'job', runId: 'r', leaseMs: 1_000 })
      const settled = expect(call).rejects.toThrow(StoreTimeoutError)
      await vi.advanceTimersByTimeAsync(500)
      await settled
      await expect(call).rejects.toMatchObject({ operation: 'heartbeat', timeoutMs: 500 })
    } finally {
      vi.useRealTimers()
    }
  })

  it('turns a synchronous throw into a rejection, and swallows a rejection that comes too late', async () => {
    vi.useFakeTimers()
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      let rejectLate!: (error: Error) => void
      const store = {
        ...createMemoryStore(),
        listAlerts: () => {
          throw new Error('sync')
        },
        claimAlerts: () =>
          new Promise<never>((_, reject) => {
            rejectLate = reject
          }),
      } satisfies ExecutionLogStore
      const bounded = withStoreTimeout(store, 100)
      await expect(bounded.listAlerts({ jobName: 'job' })).rejects.toThrow('sync')
      const late = bounded.claimAlerts({ jobNames: null, notifiers: ['n'], limit: 1, claimMs: 1 })
      const settled = expect(late).rejects.toThrow(StoreTimeoutError)
      await vi.advanceTimersByTimeAsync(100)
      await settled
      rejectLate(new Error('late'))
      vi.useRealTimers()
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      vi.useRealTimers()
      process.off('unhandledRejection', unhandled)
    }
  })
})
