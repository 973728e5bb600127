import type { MissedTime, StreakTransition } from '@cronwarden/core'

/** Times cross from SQL as epoch milliseconds: timezone-free and the same in every driver. */
export type EpochMs = number

/** A missed time's schedule as the SQL functions write it (record_missed_run, migration 0007). */
export interface MissedTimeRow {
  schedule: string
  timezone: string
  last_run_at: EpochMs | null
}

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
  /** Absent from entries written before migration 0007: read as null. */
  previous_failure_at?: EpochMs | null
  /** Absent from entries written before migration 0007: read as null. */
  missed?: MissedTimeRow | null
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
    previousFailureAt: toDate(row.previous_failure_at ?? null),
    missed: row.missed ? toMissedTime(row.missed) : null,
  }
}

function toMissedTime(row: MissedTimeRow): MissedTime {
  return { schedule: row.schedule, timezone: row.timezone, lastRunAt: toDate(row.last_run_at) }
}
