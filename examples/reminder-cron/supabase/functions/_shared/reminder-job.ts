import type { Job } from '@cronwarden/core'
import { type DispatchSummary, sendsFailed } from './dispatch-summary.ts'
import { ReminderSendsFailedError } from './errors.ts'
import type { ReminderDispatchService } from './reminder-dispatch-service.ts'

/**
 * The job cronwarden wraps: one dispatch run, its summary stored with the run, and a failed
 * run when too many sends failed. Throwing (after storing the summary) is what makes a run
 * with a dead push service count in the failure streak instead of passing as a success.
 */
export function createReminderJob(service: ReminderDispatchService, maxFailedShare: number): Job<DispatchSummary> {
  return async (ctx) => {
    const summary = await service.run({ runId: ctx.runId, signal: ctx.signal })
    ctx.setSummary(summary)
    if (sendsFailed(summary, maxFailedShare)) throw new ReminderSendsFailedError(summary)
    return summary
  }
}
