import type {
  AlertEvent,
  ConsecutiveFailuresEvent,
  LongRunningEvent,
  MissedRunEvent,
  RecoveredEvent,
  StillFailingEvent,
} from '@cronwarden/core'

/** One realistic event of each type, for every notifier's formatter and delivery tests. */
export const failuresEvent: ConsecutiveFailuresEvent = {
  type: 'consecutive_failures',
  job_name: 'assignment-reminders',
  run_id: 'run-2',
  occurred_at: '2026-11-28T03:00:05.000Z',
  error_message: 'connect ECONNREFUSED 10.0.0.5:5432',
  last_success_at: '2026-11-26T03:00:04.000Z',
  consecutive_failure_count: 2,
  threshold: 2,
  started_at: '2026-11-28T03:00:00.000Z',
  finished_at: '2026-11-28T03:00:05.000Z',
  duration_ms: 5_000,
  down_since: '2026-11-27T03:00:00.000Z',
}

export const longRunningEvent: LongRunningEvent = {
  type: 'long_running',
  job_name: 'assignment-reminders',
  run_id: 'run-3',
  occurred_at: '2026-11-28T03:30:00.000Z',
  started_at: '2026-11-28T03:00:00.000Z',
  max_runtime_ms: 1_800_000,
  running_for_ms: 1_800_000,
  last_success_at: null,
}

export const recoveredEvent: RecoveredEvent = {
  type: 'recovered',
  job_name: 'assignment-reminders',
  run_id: 'run-4',
  occurred_at: '2026-11-29T03:00:03.000Z',
  failures_in_streak: 3,
  down_since: '2026-11-27T03:00:00.000Z',
  last_success_at: '2026-11-29T03:00:03.000Z',
}

export const missedRunEvent: MissedRunEvent = {
  type: 'missed_run',
  job_name: 'assignment-reminders',
  run_id: 'missed:assignment-reminders:2026-11-30T03:00:00.000Z',
  occurred_at: '2026-11-30T03:10:00.000Z',
  expected_at: '2026-11-30T03:00:00.000Z',
  schedule: '0 3 * * *',
  timezone: 'Europe/Paris',
  grace_ms: 600_000,
  last_run_at: '2026-11-29T03:00:00.000Z',
  last_success_at: '2026-11-29T03:00:03.000Z',
  // The threshold is reached at the first missed time: the streak starts, and alerts, there.
  consecutive_failure_count: 1,
  threshold: 1,
  down_since: '2026-11-30T03:00:00.000Z',
}

/**
 * A reminder about `failuresEvent`'s incident (same `job_name` and `down_since`): its third
 * failure, a retry more than `realert_every_ms` after the alert.
 */
export const stillFailingEvent: StillFailingEvent = {
  type: 'still_failing',
  job_name: 'assignment-reminders',
  run_id: 'run-5',
  occurred_at: '2026-11-28T15:00:05.000Z',
  error_message: 'connect ECONNREFUSED 10.0.0.5:5432',
  consecutive_failure_count: 3,
  threshold: 2,
  down_since: '2026-11-27T03:00:00.000Z',
  down_for_ms: 129_605_000,
  last_success_at: '2026-11-26T03:00:04.000Z',
  realert_every_ms: 21_600_000,
}

/** Every event type once; a new type in core belongs here too. */
export const everyEvent = [failuresEvent, longRunningEvent, recoveredEvent, missedRunEvent, stillFailingEvent] as const

/**
 * An event of a type this version does not know, as a newer cronwarden would write it to the
 * alert table: typed as an `AlertEvent` only because that is what a notifier is handed.
 * Every channel must still deliver it, as its fields.
 */
export const futureEvent = {
  type: 'quota_exceeded',
  job_name: 'assignment-reminders',
  run_id: 'run-6',
  occurred_at: '2026-11-28T16:00:00.000Z',
  down_since: '2026-11-27T03:00:00.000Z',
  used: 120,
  limits: { daily: 100 },
} as unknown as AlertEvent
