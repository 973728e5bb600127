import type { Logger } from './logger.js'

/**
 * User code cronwarden calls on its own schedule (a logger from a heartbeat's callback, a
 * clock inside a delivery) runs where nobody awaits its throw: unfenced, one throw there is
 * an unhandled rejection and the process exits. Each fence keeps the call's effect and drops
 * its failure.
 */

/** A logger whose calls never throw: a failing log line is lost, never the run. */
export function fenceLogger(logger: Logger): Logger {
  const fence =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        logger[level](message, fields)
      } catch {
        // Nowhere left to report it: the logger is the report channel.
      }
    }
  return { info: fence('info'), warn: fence('warn'), error: fence('error') }
}

/** A clock that always gives a valid date: the system's when the given one throws or lies. */
export function fenceClock(now: (() => Date) | undefined): () => Date {
  if (!now) return () => new Date()
  return () => {
    try {
      const value: unknown = now()
      if (value instanceof Date && Number.isFinite(value.getTime())) return value
    } catch {
      // Fall through to the system clock.
    }
    return new Date()
  }
}

/** A hook (such as `onInternalError`) whose throw is dropped, so bookkeeping goes on. */
export function fenceHook<Args extends unknown[]>(
  hook: ((...args: Args) => void) | undefined,
): (...args: Args) => void {
  return (...args) => {
    try {
      void Promise.resolve(hook?.(...args)).catch(() => {})
    } catch {
      // A faulty hook must not turn bookkeeping into a failed run.
    }
  }
}
