import { z } from 'zod'

/**
 * Alert events cross wires (webhook JSON, log lines, table rows), so their fields are
 * snake_case like the execution log's columns. `job_name` + `down_since` identify one
 * incident, so channels can thread or deduplicate without shared memory.
 */
const timestamp = z.iso.datetime({ offset: true })
const count = z.number().int().min(0)

const eventBase = {
  job_name: z.string().min(1),
  run_id: z.string().min(1),
  occurred_at: timestamp,
}

export const consecutiveFailuresEventSchema = z.object({
  type: z.literal('consecutive_failures'),
  ...eventBase,
  error_message: z.string(),
  last_success_at: timestamp.nullable(),
  consecutive_failure_count: count.min(1),
  threshold: count.min(1),
  started_at: timestamp,
  finished_at: timestamp,
  duration_ms: count,
  down_since: timestamp,
})

export const longRunningEventSchema = z.object({
  type: z.literal('long_running'),
  ...eventBase,
  started_at: timestamp,
  max_runtime_ms: count.min(1),
  running_for_ms: count,
  last_success_at: timestamp.nullable(),
})

export const recoveredEventSchema = z.object({
  type: z.literal('recovered'),
  ...eventBase,
  failures_in_streak: count.min(1),
  down_since: timestamp,
  last_success_at: timestamp,
})

export const missedRunEventSchema = z.object({
  type: z.literal('missed_run'),
  ...eventBase,
  /** The scheduled time at which no run started. */
  expected_at: timestamp,
  schedule: z.string().min(1),
  timezone: z.string().min(1),
  grace_ms: count,
  /** The start of the last run seen before the missed time; null if none was ever seen. */
  last_run_at: timestamp.nullable(),
  last_success_at: timestamp.nullable(),
  /** The first missed time since the last run: one incident, until a run happens. */
  down_since: timestamp,
})

export const alertEventSchema = z.discriminatedUnion('type', [
  consecutiveFailuresEventSchema,
  longRunningEventSchema,
  recoveredEventSchema,
  missedRunEventSchema,
])

export type ConsecutiveFailuresEvent = z.infer<typeof consecutiveFailuresEventSchema>
export type LongRunningEvent = z.infer<typeof longRunningEventSchema>
export type RecoveredEvent = z.infer<typeof recoveredEventSchema>
export type MissedRunEvent = z.infer<typeof missedRunEventSchema>
export type AlertEvent = z.infer<typeof alertEventSchema>
export type AlertEventType = AlertEvent['type']
