import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { StoreError } from './errors.js'
import { createMemoryStore } from './memory-store.js'
import { pinoLogger } from './pino-logger.js'
import { createRecordingNotifier } from './testing/recording-notifier.js'
import { withFailureAlerting } from './with-failure-alerting.js'

/** A real pino writing JSON lines into memory. */
function capturedPino() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines }
}

describe('pinoLogger', () => {
  it('keeps the fields that a plain pino drops when called message first', () => {
    const { logger, lines } = capturedPino()
    logger.info('alert delivered', { job_name: 'daily' } as never)
    pinoLogger(logger).info('alert delivered', { job_name: 'daily' })
    expect(lines[0]).not.toHaveProperty('job_name')
    expect(lines[1]).toMatchObject({ msg: 'alert delivered', job_name: 'daily', level: 30 })
  })

  it("logs the wrapper's delivery lines with the event fields, and errors with their message", async () => {
    const { logger, lines } = capturedPino()
    const run = withFailureAlerting(
      async () => {
        throw new Error('push service answered 503')
      },
      {
        jobName: 'daily',
        store: createMemoryStore(),
        notifiers: [createRecordingNotifier({ name: 'slack' })],
        failureThreshold: 1,
        logger: pinoLogger(logger),
      },
    )
    await run().catch(() => {})
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'alert delivered', job_name: 'daily', notifier: 'slack', status: 'delivered' }),
    )
    pinoLogger(logger).error('cronwarden internal error', {
      error: new StoreError('finishRun', { cause: new Error('connection reset') }),
    })
    expect(lines.at(-1)).toMatchObject({
      level: 50,
      error: { name: 'StoreError', message: 'Execution log store failed during finishRun: connection reset' },
    })
  })
})
