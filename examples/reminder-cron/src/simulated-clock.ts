import { performance } from 'node:perf_hooks'

/**
 * A clock for replaying several days of a daily cron in seconds. It stands on one simulated
 * moment at a time and runs on in real time from there, so within a day a run's start,
 * finish and duration are real, while each day's runs carry that day's date. With the system
 * clock every run of the replay would carry the same minute, and "last successful run" in an
 * alert would tell the reader nothing.
 */
export interface SimulatedClock {
  now(): Date
  /** Moves the clock to `time`; it runs on in real time from there. */
  jumpTo(time: Date): void
}

/** `elapsedMs` is the real time source (tests pass a frozen one). Default: `performance.now`. */
export function createSimulatedClock(start: Date, elapsedMs: () => number = () => performance.now()): SimulatedClock {
  let origin = start.getTime()
  let originElapsed = elapsedMs()
  return {
    now: () => new Date(origin + Math.floor(elapsedMs() - originElapsed)),
    jumpTo(time) {
      origin = time.getTime()
      originElapsed = elapsedMs()
    },
  }
}
