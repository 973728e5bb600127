import { CronwardenError } from '@cronwarden/core'
import type { DispatchSummary } from './dispatch-summary.ts'

/**
 * A dispatch run whose sends failed beyond the allowed share. Thrown by the job after the
 * summary was stored, so the run counts as a failure in the streak and the alert carries this
 * message (counts and the first send error, never a URL or a payload).
 */
export class ReminderSendsFailedError extends CronwardenError {
  override name = 'ReminderSendsFailedError'
  readonly summary: DispatchSummary

  constructor(summary: DispatchSummary) {
    const attempted = summary.sent + summary.failed
    const first = summary.first_error ? ` (first error: ${summary.first_error})` : ''
    super(`${summary.failed} of ${attempted} reminder sends failed${first}`)
    this.summary = summary
  }
}
