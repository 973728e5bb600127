import type { StreakTransition } from '@cronwarden/core'

/** Times cross from SQL as epoch milliseconds: timezone-free and the same in every driver. */
export type EpochMs = number

/** A transition as the SQL functions return it (finish_run, begin_run's abandoned runs, alert subjects). */
export interface TransitionRow {
  run_id: string
  status: StreakTransition['status']
  started_at: EpochMs
  finished_at: EpochMs
  duration_ms: number
  error_message: string | null
  previous_failure_count: number
  consecutive_failure_count: number
  last_success_at: EpochMs | null
  down_since: EpochMs | null
}

export const toDate = (ms: EpochMs | null) => (ms === null ? null : new Date(ms))
export const toIso = (ms: EpochMs | null) => (ms === null ? null : new Date(ms).toISOString())

export function toTransition(jobName: string, row: TransitionRow): StreakTransition {
  return {
    jobName,
    runId: row.run_id,
    status: row.status,
    startedAt: new Date(row.started_at),
    finishedAt: new Date(row.finished_at),
    durationMs: row.duration_ms,
    errorMessage: row.error_message,
    previousFailureCount: row.previous_failure_count,
    consecutiveFailureCount: row.consecutive_failure_count,
    lastSuccessAt: toDate(row.last_success_at),
    downSince: toDate(row.down_since),
  }
}
