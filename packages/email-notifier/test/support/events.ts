import type {
  ConsecutiveFailuresEvent,
  LongRunningEvent,
  MissedRunEvent,
  RecoveredEvent,
  StillFailingEvent,
} from '@cronwarden/core'

export const failure: ConsecutiveFailuresEvent = {
  type: 'consecutive_failures',
  job_name: 'assignment-follow-up-reminders',
  run_id: '5b0f8a52-3f1e-4a4f-9d8e-2f3c1b7a9e10',
  occurred_at: '2026-01-05T06:00:41.512Z',
  error_message: 'push service answered 503 Service Unavailable',
  last_success_at: '2026-01-03T06:00:38.004Z',
  consecutive_failure_count: 2,
  threshold: 2,
  started_at: '2026-01-05T06:00:00.120Z',
  finished_at: '2026-01-05T06:00:41.500Z',
  duration_ms: 41_380,
  down_since: '2026-01-04T06:00:00.101Z',
}

export const recovery: RecoveredEvent = {
  type: 'recovered',
  job_name: 'assignment-follow-up-reminders',
  run_id: '0c7d3e11-6a2b-4a55-8f61-5d1f0b9c2e77',
  occurred_at: '2026-01-06T06:00:12.900Z',
  failures_in_streak: 3,
  down_since: '2026-01-04T06:00:00.101Z',
  last_success_at: '2026-01-06T06:00:12.880Z',
}

export const longRun: LongRunningEvent = {
  type: 'long_running',
  job_name: 'assignment-follow-up-reminders',
  run_id: '9e4b2c70-1d3f-4e8a-b6c5-7a0f2d9e1b34',
  occurred_at: '2026-01-07T06:30:00.200Z',
  started_at: '2026-01-07T06:00:00.150Z',
  max_runtime_ms: 1_800_000,
  running_for_ms: 1_800_050,
  last_success_at: '2026-01-06T06:00:12.880Z',
}

export const missedRun: MissedRunEvent = {
  type: 'missed_run',
  job_name: 'assignment-follow-up-reminders',
  run_id: 'missed-2026-01-08T06:00:00.000Z',
  occurred_at: '2026-01-08T06:05:00.000Z',
  expected_at: '2026-01-08T06:00:00.000Z',
  schedule: '0 6 * * *',
  timezone: 'UTC',
  grace_ms: 300_000,
  last_run_at: '2026-01-07T06:00:00.150Z',
  last_success_at: '2026-01-06T06:00:12.880Z',
  consecutive_failure_count: 2,
  threshold: 2,
  // The streak began with a failed run the day before; this missed time brought it to the threshold.
  down_since: '2026-01-07T06:00:00.150Z',
}

/** A reminder about `failure`'s incident: the same job and `down_since`. */
export const stillFailing: StillFailingEvent = {
  type: 'still_failing',
  job_name: 'assignment-follow-up-reminders',
  run_id: '3f2a9c41-8b7d-4e06-a1c5-6d9e0f4b2a88',
  occurred_at: '2026-01-05T18:00:40.301Z',
  error_message: 'push service answered 503 Service Unavailable',
  consecutive_failure_count: 3,
  threshold: 2,
  down_since: '2026-01-04T06:00:00.101Z',
  down_for_ms: 129_640_200,
  last_success_at: '2026-01-03T06:00:38.004Z',
  realert_every_ms: 21_600_000,
}
