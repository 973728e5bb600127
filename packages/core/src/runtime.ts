import { fenceClock, fenceLogger } from './fences.js'
import { createJsonLineLogger, type Logger } from './logger.js'
import type { ExecutionLogStore } from './ports.js'
import { withStoreTimeout } from './store-timeout.js'

/** What every entry point (wrapper, missed-run check, sweeper) runs with, fenced and bounded. */
export interface Runtime {
  /** Every call bounded by `storeTimeoutMs`. */
  store: ExecutionLogStore
  /** Never throws. */
  logger: Logger
  /** Always a valid date. */
  now: () => Date
}

export function resolveRuntime(options: {
  store: ExecutionLogStore
  storeTimeoutMs: number
  logger?: Logger | undefined
  now?: (() => Date) | undefined
}): Runtime {
  return {
    store: withStoreTimeout(options.store, options.storeTimeoutMs),
    logger: fenceLogger(options.logger ?? createJsonLineLogger()),
    now: fenceClock(options.now),
  }
}
