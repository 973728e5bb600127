import { describeError } from './describe-error.js'
import { OptionsError } from './errors.js'
import type { RunSummary } from './ports.js'
import { cleanJson } from './safe-text.js'

/** What the wrapped job receives. */
export interface JobContext {
  /** This run's id in the execution log. */
  readonly runId: string
  /** The wrapped job's `jobName`. */
  readonly jobName: string
  /** When the run began, by the store's clock: its row's `started_at`. */
  readonly startedAt: Date
  /** Aborted if the run loses its lease (a later run took over after it stalled). */
  readonly signal: AbortSignal
  /**
   * Attaches a small JSON object to the run (for example `{ due, sent, failed }`), stored
   * with its row and shown by `listRuns`. A later call replaces an earlier one.
   */
  setSummary(summary: RunSummary): void
}

/** Summaries sit in every log row; keep them to counts and ids, not payloads. */
export const MAX_SUMMARY_BYTES = 16 * 1024

/** Checks a summary at the moment the job sets it, so the job learns of a bad one at once. */
export function checkSummary(summary: unknown): RunSummary {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) {
    throw new OptionsError('run summary', [{ path: 'summary', message: 'expected a plain JSON object' }])
  }
  let json: string
  try {
    json = cleanJson(summary)
  } catch (error) {
    throw new OptionsError('run summary', [
      { path: 'summary', message: `expected JSON-serialisable data (${describeError(error)})` },
    ])
  }
  const bytes = Buffer.byteLength(json)
  if (bytes > MAX_SUMMARY_BYTES) {
    throw new OptionsError('run summary', [
      { path: 'summary', message: `expected at most ${MAX_SUMMARY_BYTES} bytes of JSON, got ${bytes}` },
    ])
  }
  // A copy taken now: later mutation by the job cannot change what is stored.
  return JSON.parse(json) as RunSummary
}
