import { z } from 'zod'

/**
 * What one dispatch run did; stored with the run in the execution log. `due` counts the
 * assignments found due and not yet reminded; each ends as `sent`, `failed`, or
 * `already_sent` (another run had sent or was sending it when this run tried to claim it).
 */
export interface DispatchSummary {
  [key: string]: number | string | null
  due: number
  sent: number
  failed: number
  already_sent: number
  /** The first send error of the run, for the log and the alert. */
  first_error: string | null
}

export function emptySummary(): DispatchSummary {
  return { due: 0, sent: 0, failed: 0, already_sent: 0, first_error: null }
}

export const failurePolicySchema = z
  .number()
  .min(0, 'expected a share between 0 and 1')
  .max(1, 'expected a share between 0 and 1')

/**
 * True when the run's sends failed badly enough to count as a failed run: all of them, or
 * more than `maxFailedShare` of those attempted. A run with nothing to send is healthy.
 */
export function sendsFailed(summary: DispatchSummary, maxFailedShare: number): boolean {
  const attempted = summary.sent + summary.failed
  if (attempted === 0) return false
  if (summary.sent === 0) return true
  return summary.failed / attempted > maxFailedShare
}
