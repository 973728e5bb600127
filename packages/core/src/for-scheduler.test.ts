import { Cron } from 'croner'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { forScheduler } from './for-scheduler.js'
import type { Logger } from './logger.js'
import { createMemoryStore } from './memory-store.js'
import { withFailureAlerting } from './with-failure-alerting.js'

let unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeEach(() => {
  unhandled = []
  process.on('unhandledRejection', onUnhandled)
})
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
})

const recordingLogger = () => {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = []
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  }
  return { logger, lines }
}

describe('forScheduler', () => {
  it('turns a skipped overlapping call and a failed run into log lines, not unhandled rejections', async () => {
    const store = createMemoryStore()
    let release!: () => void
    const { logger, lines } = recordingLogger()
    let calls = 0
    const run = withFailureAlerting(
      () => {
        calls++
        if (calls === 1) return new Promise<void>((resolve) => (release = resolve))
        throw new Error('push service answered 503')
      },
      { jobName: 'daily', store, logger },
    )
    const tick = forScheduler(run, { logger })
    // A scheduler fires and forgets: nothing awaits or catches these promises.
    void tick()
    void tick()
    await vi.waitFor(() => expect(lines.some((line) => line.level === 'warn')).toBe(true))
    release()
    await vi.waitFor(() => expect(calls).toBe(1))
    void tick()
    await vi.waitFor(() => expect(lines.some((line) => line.message === 'scheduled run failed')).toBe(true))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(unhandled).toEqual([])
    expect(lines.find((line) => line.level === 'warn')?.message).toMatch(/was skipped: run .* is still in progress/)
    expect(lines.find((line) => line.message === 'scheduled run failed')?.fields).toEqual({
      error: 'push service answered 503',
    })
    expect((await store.listRuns({ jobName: 'daily' })).map((row) => row.status).sort()).toEqual([
      'failed',
      'skipped',
      'succeeded',
    ])
  })

  it('runs under croner every second, each failure recorded and none unhandled', async () => {
    const store = createMemoryStore()
    const { logger } = recordingLogger()
    const run = withFailureAlerting(
      async () => {
        throw new Error('down')
      },
      { jobName: 'every-second', store, logger },
    )
    const job = new Cron('* * * * * *', forScheduler(run, { logger }))
    try {
      await vi.waitFor(
        async () => expect((await store.listRuns({ jobName: 'every-second' })).length).toBeGreaterThanOrEqual(2),
        {
          timeout: 5_000,
          interval: 100,
        },
      )
    } finally {
      job.stop()
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(unhandled).toEqual([])
  })
})
