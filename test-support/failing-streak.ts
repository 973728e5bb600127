import { createMemoryStore, type Notifier, type RunRecord, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { expect } from 'vitest'
import type { TestServer } from './http-server.js'

/**
 * A channel's end-to-end story: a wrapped job (threshold 2) succeeds once, then fails three
 * times with `failed: <markup>` in its error; the channel is reached once, at the second
 * failure in a row, and never before. Returns the job's runs, newest first.
 */
export async function alertAfterTwoFailures(
  server: TestServer,
  notifier: Notifier,
  markup: string,
): Promise<RunRecord[]> {
  const store = createMemoryStore()
  let attempt = 0
  const job = withFailureAlerting(
    async () => {
      attempt++
      if (attempt === 1) return 'sent 3 reminders'
      throw new Error(`reminder batch ${attempt} failed: ${markup}`)
    },
    { jobName: 'assignment-reminders', store, notifiers: [notifier], logger: silentLogger },
  )

  await expect(job()).resolves.toBe('sent 3 reminders')
  await expect(job()).rejects.toThrow('reminder batch 2 failed')
  expect(server.requests).toHaveLength(0)
  await expect(job()).rejects.toThrow('reminder batch 3 failed')
  await expect(job()).rejects.toThrow('reminder batch 4 failed')
  expect(server.requests).toHaveLength(1)
  return store.listRuns({ jobName: 'assignment-reminders' })
}
