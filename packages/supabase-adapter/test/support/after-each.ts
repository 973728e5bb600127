import { afterEach } from 'vitest'

/**
 * For tests that each open their own database, servers and pools: returns `defer`, and after
 * every test runs what it deferred, newest first, so nothing outlives the test that opened it.
 * Call it inside the describe it serves.
 */
export function deferUntilAfterEach(): (cleanup: () => Promise<unknown>) => void {
  let cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    const due = cleanups.reverse()
    cleanups = []
    for (const cleanup of due) await cleanup()
  })
  return (cleanup) => {
    cleanups.push(cleanup)
  }
}
