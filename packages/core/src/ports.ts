import type { AlertEvent, AlertEventType } from './alert-event.js'
import type { JsonObject } from './json.js'

/**
 * The two ports of cronwarden. Stores make each lifecycle step atomic in one round trip;
 * notifiers deliver one event to one channel. Policy (when to alert) stays in core.
 */

/**
 * `missed` rows are written by missed-run detection for a scheduled time at which no run
 * started; they are not runs, so they never touch the failure streak or the lease.
 */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'abandoned' | 'missed'

/** A finished run's outcome as reported by the wrapper. */
export type FinishStatus = 'succeeded' | 'failed'

/** A small JSON object a job attaches to its run (counts such as due/sent/failed). */
export type RunSummary = JsonObject

/** One notifier's attempt to deliver one event; stored with the run the event is about. */
export interface DeliveryRecord {
  notifier: string
  event_type: AlertEventType
  status: 'delivered' | 'failed' | 'timed_out'
  error_message: string | null
  attempted_at: string
  duration_ms: number
}

/** One row of the execution log, as `listRuns` returns it (newest first). */
export interface RunRecord {
  run_id: string
  job_name: string
  status: RunStatus
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  error_message: string | null
  /** The job's streak after this run closed; null while running and for skipped rows. */
  consecutive_failure_count: number | null
  /** The job's last success as of this row (its own finish time for a success). */
  last_success_at: string | null
  /** For skipped rows: the run that held the lease. */
  holder_run_id: string | null
  /** Where the run executed (host name, invocation id); null when not given. */
  host: string | null
  summary: RunSummary | null
  deliveries: DeliveryRecord[]
}

/**
 * What closing a run did to the job's streak. Returned by `finishRun`, and by `beginRun` for
 * each expired run it closed as abandoned. Core's `decideAlerts` turns it into events.
 */
export interface StreakTransition {
  jobName: string
  runId: string
  status: 'succeeded' | 'failed' | 'abandoned'
  startedAt: Date
  finishedAt: Date
  durationMs: number
  errorMessage: string | null
  /** The streak before this run closed. */
  previousFailureCount: number
  /** The streak after this run closed: 0 after a success. */
  consecutiveFailureCount: number
  lastSuccessAt: Date | null
  /** Start of the streak's first failed run; for a success, of the streak it ended (or null). */
  downSince: Date | null
}

export interface BeginRunInput {
  jobName: string
  runId: string
  /** The run's lease: without a heartbeat within this time it is considered crashed. */
  leaseMs: number
  /** When true, the run needs the job's lease: a live holder makes this run `skipped`. */
  exclusive: boolean
  host: string | null
}

export type BeginRunResult =
  | {
      outcome: 'started'
      startedAt: Date
      /** The job's streak and last success before this run, for `long_running` events. */
      consecutiveFailureCount: number
      lastSuccessAt: Date | null
      /** Runs of this job whose lease had expired, closed as abandoned (oldest first). */
      abandoned: StreakTransition[]
    }
  | {
      outcome: 'skipped'
      startedAt: Date
      holderRunId: string
      abandoned: StreakTransition[]
    }

export interface FinishRunInput {
  jobName: string
  runId: string
  status: FinishStatus
  errorMessage: string | null
  summary: RunSummary | null
}

export interface HeartbeatInput {
  jobName: string
  runId: string
  leaseMs: number
}

export interface RecordMissedRunInput {
  jobName: string
  /** Derived from the job and the scheduled time, so every detector writes the same id. */
  runId: string
  /** The scheduled time at which no run started. */
  expectedAt: Date
  /** When the time was declared missed (the scheduled time plus the grace period). */
  detectedAt: Date
  errorMessage: string
}

export interface ListRunsOptions {
  /** At most this many rows, newest first. Default 50. */
  limit?: number
}

/**
 * Where runs are recorded. Every method is one atomic step (one round trip for a database):
 * concurrent callers never lose an update, and exactly one caller sees each streak value.
 */
export interface ExecutionLogStore {
  /**
   * Closes this job's runs whose lease expired (as `abandoned`, each counted as a failure),
   * then either records a `running` row (taking the job's lease when `exclusive`) or, when a
   * live run holds the lease, a `skipped` row naming the holder.
   */
  beginRun(input: BeginRunInput): Promise<BeginRunResult>
  /** Extends a running run's lease. `false` when the run is no longer running here. */
  heartbeat(input: HeartbeatInput): Promise<boolean>
  /**
   * Closes a running run, updates the job's streak and releases its lease. `null` when the
   * run was already closed (a later run found its lease expired and closed it as abandoned).
   */
  finishRun(input: FinishRunInput): Promise<StreakTransition | null>
  /**
   * Records a `missed` row for a scheduled time with no run. `true` only for the caller that
   * created it: with several detectors running, exactly one alerts per missed time.
   */
  recordMissedRun(input: RecordMissedRunInput): Promise<boolean>
  /** Appends delivery outcomes to the run an event was about. */
  recordDeliveries(runId: string, deliveries: readonly DeliveryRecord[]): Promise<void>
  /** The newest runs of one job first; an unknown job has none. */
  listRuns(jobName: string, options?: ListRunsOptions): Promise<RunRecord[]>
}

export interface NotifyContext {
  /** Aborted when the notifier's time (`notifyTimeoutMs`) is up: stop sending then. */
  signal: AbortSignal
}

/** A channel: Slack, email, a log line. `notify` rejects when delivery failed. */
export interface Notifier {
  readonly name: string
  notify(event: AlertEvent, context: NotifyContext): Promise<void>
}
