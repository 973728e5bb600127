import { z } from 'zod'

/**
 * Alert events cross wires (webhook JSON, log lines, table rows), so their fields are
 * snake_case like the execution log's columns. `job_name` + `down_since` identify one
 * incident, so channels can thread or deduplicate without shared memory.
 */
const timestamp = z.iso.datetime({ offset: true })
const count = z.number().int().min(0)

const eventBase = {
  /** The job the event is about, as named by its wrapper's `jobName` or its `ScheduledJob`. */
  job_name: z.string().min(1),
  /** The run the event is about: its execution log row (`missed:<job>:<time>` for a missed one). */
  run_id: z.string().min(1),
  /**
   * When the event was decided (ISO 8601). For an event decided from a closed run, the store's
   * time of the transition, so every dispatcher that decides it again gives the same value.
   */
  occurred_at: timestamp,
}

/** Validates a `consecutive_failures` event that crossed a wire; unknown fields are dropped. */
export const consecutiveFailuresEventSchema = z.object({
  /** The streak reached the threshold: sent once per streak, by the run that brought it there. */
  type: z.literal('consecutive_failures'),
  ...eventBase,
  /**
   * The error of the run that reached the threshold, as stored (clipped to
   * `MAX_ERROR_MESSAGE_LENGTH`); empty when none was recorded. Text from user code: a channel
   * escapes it for its own markup.
   */
  error_message: z.string(),
  /** The job's last success (ISO 8601); null if it never succeeded. */
  last_success_at: timestamp.nullable(),
  /** Failures in a row, this run's included: always `threshold`, the transition the event marks. */
  consecutive_failure_count: count.min(1),
  /** The `failureThreshold` the event was decided under. */
  threshold: count.min(1),
  /** When the run that reached the threshold started (ISO 8601, the store's clock). */
  started_at: timestamp,
  /** When that run closed (ISO 8601); for an abandoned run, when its lease expired. */
  finished_at: timestamp,
  /** `finished_at` minus `started_at`, in milliseconds. */
  duration_ms: count,
  /**
   * When the streak's first failed run started (ISO 8601). With `job_name` it names the
   * incident, so channels can thread or deduplicate without shared memory.
   */
  down_since: timestamp,
})

/** Validates a `long_running` event that crossed a wire; unknown fields are dropped. */
export const longRunningEventSchema = z.object({
  /** A run passed `maxRuntimeMs` while still running: sent at most once per run, before it ends. */
  type: z.literal('long_running'),
  ...eventBase,
  /** When the still-running run started (ISO 8601, the store's clock). */
  started_at: timestamp,
  /** The `maxRuntimeMs` limit the run passed, in milliseconds. */
  max_runtime_ms: count.min(1),
  /** How long the run had been running at `occurred_at`, in milliseconds. */
  running_for_ms: count,
  /** The job's last success before this run started (ISO 8601); null if it never succeeded. */
  last_success_at: timestamp.nullable(),
})

/** Validates a `recovered` event that crossed a wire; unknown fields are dropped. */
export const recoveredEventSchema = z.object({
  /** A success ended a streak that had reached the threshold; sent only with `notifyOnRecovery`. */
  type: z.literal('recovered'),
  ...eventBase,
  /** How many failures in a row the success ended (at least the threshold). */
  failures_in_streak: count.min(1),
  /**
   * When the ended streak's first failed run started (ISO 8601): the `down_since` of its
   * `consecutive_failures` event, so a channel can close that incident.
   */
  down_since: timestamp,
  /** When the successful run finished (ISO 8601, the store's clock). */
  last_success_at: timestamp,
})

/** Validates a `missed_run` event that crossed a wire; unknown fields are dropped. */
export const missedRunEventSchema = z.object({
  /**
   * The streak reached the threshold at a scheduled time with no run: sent once per streak,
   * like `consecutive_failures`, by the missed time that brought it there.
   */
  type: z.literal('missed_run'),
  ...eventBase,
  /** The scheduled time at which no run started. */
  expected_at: timestamp,
  /** The job's cron expression, as given in its `ScheduledJob`. */
  schedule: z.string().min(1),
  /** The IANA time zone the schedule is read in. */
  timezone: z.string().min(1),
  /** How long after `expected_at` a run could still have started, in milliseconds. */
  grace_ms: count,
  /** The start of the last run seen before the missed time; null if none was ever seen. */
  last_run_at: timestamp.nullable(),
  /** The job's last success (ISO 8601); null when there is none. */
  last_success_at: timestamp.nullable(),
  /** Failed runs and missed times in a row, this one included: always `threshold`. */
  consecutive_failure_count: count.min(1),
  /** The `failureThreshold` the event was decided under. */
  threshold: count.min(1),
  /**
   * When the streak's first failure happened (a failed run's start, or a missed scheduled
   * time). With `job_name` it names the incident.
   */
  down_since: timestamp,
})

/** Validates a `still_failing` event that crossed a wire; unknown fields are dropped. */
export const stillFailingEventSchema = z.object({
  /**
   * A reminder, only with `realertEveryMs`: the streak that alerted is still open. At most
   * one per interval, on the first failure or missed time after each interval.
   */
  type: z.literal('still_failing'),
  ...eventBase,
  /** The latest failure's error, as stored (for a missed time, why it was missed). */
  error_message: z.string(),
  /** Failed runs and missed times in a row so far, this one included. */
  consecutive_failure_count: count.min(1),
  /** The `failureThreshold` the streak alerted at. */
  threshold: count.min(1),
  /** The incident's first failure (ISO 8601): the `down_since` of the alert it follows up. */
  down_since: timestamp,
  /** How long the job has been down at this failure, in milliseconds. */
  down_for_ms: count,
  /** The job's last success (ISO 8601); null if it never succeeded. */
  last_success_at: timestamp.nullable(),
  /** The `realertEveryMs` the reminder was decided under. */
  realert_every_ms: count.min(1),
})

/**
 * Validates any alert event by its `type`: parse one that crossed a wire (a webhook body, a
 * queued row) before trusting its fields. Unknown fields are dropped.
 */
export const alertEventSchema = z.discriminatedUnion('type', [
  consecutiveFailuresEventSchema,
  longRunningEventSchema,
  recoveredEventSchema,
  missedRunEventSchema,
  stillFailingEventSchema,
])

/** The job failed `threshold` times in a row: the alert the streak exists for. */
export type ConsecutiveFailuresEvent = z.infer<typeof consecutiveFailuresEventSchema>
/** A run is still going past its `maxRuntimeMs`; it may yet succeed or fail. */
export type LongRunningEvent = z.infer<typeof longRunningEventSchema>
/** A success ended a streak that had alerted. */
export type RecoveredEvent = z.infer<typeof recoveredEventSchema>
/** The streak reached the threshold at a scheduled time that passed with no run. */
export type MissedRunEvent = z.infer<typeof missedRunEventSchema>
/** A reminder that a streak which alerted is still open (only with `realertEveryMs`). */
export type StillFailingEvent = z.infer<typeof stillFailingEventSchema>
/**
 * What a notifier is asked to send; switch on `type`. Fields are snake_case and times are
 * ISO 8601 strings, since events cross wires (webhook JSON, log lines, table rows).
 */
export type AlertEvent = z.infer<typeof alertEventSchema>
/** The `type` of an alert event; delivery records and alert entries name events by it. */
export type AlertEventType = AlertEvent['type']
/** The event of one type: `AlertEventOf<'missed_run'>` is `MissedRunEvent`. */
export type AlertEventOf<Type extends AlertEventType> = Extract<AlertEvent, { type: Type }>
