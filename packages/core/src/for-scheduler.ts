import { describeError } from './describe-error.js'
import { isCronwardenError, type RunSkippedError } from './errors.js'
import { fenceLogger } from './fences.js'
import { createJsonLineLogger, type Logger } from './logger.js'

/** Options of `forScheduler`. */
export interface ForSchedulerOptions {
  /** Where a skipped call and the job's failure are logged. Default: JSON lines. */
  logger?: Logger
}

/**
 * For a scheduler that ignores what its callback returns (croner, node-cron, `setInterval`):
 * the wrapped call as a callback whose promise never rejects. An ignored rejection is an
 * unhandled rejection, and that ends a Node process: an overlapping call skipped by the lock,
 * or just a failed run, would take the scheduler down with it. Nothing is lost by catching:
 * the job's error is in the execution log and alerted by its streak, a skipped call has its
 * own `skipped` row, and store failures went to `onInternalError`. Each is also logged here.
 *
 * ```ts
 * new Cron('0 6 * * *', { timezone: 'Europe/Oslo' }, forScheduler(run))
 * ```
 */
export function forScheduler(run: () => Promise<unknown>, options: ForSchedulerOptions = {}): () => Promise<void> {
  const logger = fenceLogger(options.logger ?? createJsonLineLogger())
  return async () => {
    try {
      await run()
    } catch (error) {
      // The brand, not instanceof: the run may come from another copy of cronwarden (ESM and CJS).
      if (isCronwardenError(error) && error.errorCode === 'ERR_CRONWARDEN_RUN_SKIPPED') {
        const skipped = error as RunSkippedError
        logger.warn(skipped.message, {
          job_name: skipped.jobName,
          run_id: skipped.runId,
          holder_run_id: skipped.holderRunId,
        })
      } else if (!isCronwardenError(error)) {
        // Cronwarden's own errors (a store that could not begin the run) were logged already.
        logger.error('scheduled run failed', { error: describeError(error) })
      }
    }
  }
}
