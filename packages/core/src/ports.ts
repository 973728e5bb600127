import type { AlertEvent, AlertEventType, LongRunningEvent, MissedRunEvent } from './alert-event.js'
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

/**
 * One notifier's attempt to deliver one event; kept, attempt by attempt, with the run the
 * event is about. `expired` records an event given up after `alertTtlMs` (nothing was sent).
 */
export interface DeliveryRecord {
  notifier: string
  event_type: AlertEventType
  status: 'delivered' | 'failed' | 'timed_out' | 'expired'
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
  /** Every delivery attempt of every event about this run, oldest first. */
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

/**
 * The policy an alert entry is decided under, written with the entry so that any dispatcher,
 * even one that knows nothing of the job, decides the same events from it.
 */
export interface AlertPolicy {
  failureThreshold: number
  notifyOnRecovery: boolean
}

/**
 * What a store needs to write an alert entry in the same atomic step as the transition it
 * is about. `null` where the caller has no notifiers: nothing could be delivered.
 */
export interface AlertSpec {
  policy: AlertPolicy
  /** Names of the notifiers the entry is owed to (at least one). */
  notifiers: string[]
  /** After this the entry is given up as expired (the store's clock). */
  ttlMs: number
  /**
   * The entry is written already claimed by the writer for this long, so that no sweeper
   * sends it while the writer does; a writer that crashed loses the claim when it ends.
   */
  claimMs: number
}

export interface BeginRunInput {
  jobName: string
  runId: string
  /** The run's lease: without a heartbeat within this time it is considered crashed. */
  leaseMs: number
  /** When true, the run needs the job's lease: a live holder makes this run `skipped`. */
  exclusive: boolean
  host: string | null
  /** For runs closed as abandoned here: their alert entries (written unclaimed). */
  alert: AlertSpec | null
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
      /** This job's alert entries not yet settled (those just written for `abandoned` too). */
      pendingAlerts: number
    }
  | {
      outcome: 'skipped'
      startedAt: Date
      holderRunId: string
      abandoned: StreakTransition[]
      pendingAlerts: number
    }

export interface FinishRunInput {
  jobName: string
  runId: string
  status: FinishStatus
  errorMessage: string | null
  summary: RunSummary | null
  /** Written with the transition when it could lead to an event (written claimed). */
  alert: AlertSpec | null
}

export interface FinishRunResult {
  transition: StreakTransition
  /**
   * The alert entry written with the transition, claimed by this caller: a failure, or a
   * success that ended a streak. `null` for a success after a success, or without `alert`.
   */
  alert: PendingAlert | null
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
  /** The event to deliver, written with the row (claimed) when `alert` is given. */
  event: MissedRunEvent
  alert: AlertSpec | null
}

export interface RecordMissedRunResult {
  /** True only for the caller that created the row. */
  created: boolean
  /** The entry written with it, claimed by this caller (only when `created`). */
  alert: PendingAlert | null
}

/** An event decided while it happened (a run passing its maximum runtime), to deliver durably. */
export interface EnqueueAlertInput {
  jobName: string
  runId: string
  event: LongRunningEvent
  alert: AlertSpec
}

/** Where one notifier stands with one alert entry. */
export interface NotifierDeliveryState {
  notifier: string
  /** `pending` (not tried yet), `failed` (will be retried), `delivered`, `expired` (given up). */
  status: 'pending' | 'failed' | 'delivered' | 'expired'
  attempts: number
  last_error: string | null
  last_attempt_at: string | null
  /** For `pending` and `failed`: not before this. */
  next_attempt_at: string | null
}

/**
 * An alert entry: what happened (a closed run's transition, decided by core's policy, or an
 * event decided when it happened), the policy, and the notifiers it is owed to. Handed to
 * one dispatcher at a time with a claim token; settled when every owed notifier has it or
 * it expired.
 */
export interface PendingAlert {
  alertId: string
  jobName: string
  runId: string
  /** The store's time of the transition; every event decided from it carries this time. */
  createdAt: Date
  expiresAt: Date
  /** True once `expiresAt` has passed (by the store's clock): record it expired, send nothing. */
  expired: boolean
  subject: { kind: 'transition'; transition: StreakTransition } | { kind: 'event'; event: AlertEvent }
  policy: AlertPolicy
  notifiers: NotifierDeliveryState[]
  /** Proves the claim when the outcome is recorded. */
  claimToken: string
}

export interface ClaimAlertsInput {
  /** Only these jobs' entries; `null` for every job. */
  jobNames: string[] | null
  /** The notifiers this dispatcher has: entries owing none of them are left for another. */
  notifiers: string[]
  limit: number
  /** How long the claim holds; a dispatcher that crashed loses it then. */
  claimMs: number
}

/** One notifier's outcome for one entry, as the dispatcher reports it. */
export interface AlertDeliveryOutcome extends DeliveryRecord {
  /** For `failed` / `timed_out`: when to try again, from now (the store's clock). */
  retryAfterMs: number | null
}

export interface RecordAlertOutcomeInput {
  alertId: string
  claimToken: string
  /** The decided event's type; `null` when the entry decided no event (it is then settled). */
  eventType: AlertEventType | null
  outcomes: AlertDeliveryOutcome[]
}

/** One alert entry and where each notifier stands with it, as `listAlerts` returns it. */
export interface AlertRecord {
  alert_id: string
  job_name: string
  run_id: string
  /** The decided event's type: null until decided, and for an entry that decided none. */
  event_type: AlertEventType | null
  /** `pending` until every owed notifier has it (`delivered`) or it expired. */
  status: 'pending' | 'delivered' | 'expired' | 'no_event'
  created_at: string
  expires_at: string
  notifiers: NotifierDeliveryState[]
}

export interface ListAlertsInput {
  jobName: string
  /** At most this many entries, newest first. Default 50. */
  limit?: number
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
   * Closes a running run, updates the job's streak and releases its lease, and writes the
   * alert entry in the same step. `null` when the run was already closed (a later run found
   * its lease expired and closed it as abandoned).
   */
  finishRun(input: FinishRunInput): Promise<FinishRunResult | null>
  /**
   * Records a `missed` row for a scheduled time with no run, with its alert entry. Created
   * only once: with several detectors running, exactly one alerts per missed time.
   */
  recordMissedRun(input: RecordMissedRunInput): Promise<RecordMissedRunResult>
  /** Writes an entry for an event decided outside a transition, claimed by the caller. */
  enqueueAlert(input: EnqueueAlertInput): Promise<PendingAlert>
  /**
   * Claims entries that are due (not settled, not claimed by a live dispatcher, a next
   * attempt due for one of `notifiers`, or expired), oldest first. Two concurrent callers
   * never get the same entry.
   */
  claimAlerts(input: ClaimAlertsInput): Promise<PendingAlert[]>
  /**
   * Records each notifier's outcome for a claimed entry, appends them to the run's
   * deliveries, settles the entry when every owed notifier has it (or it expired, or it
   * decided no event), and releases the claim. One atomic step.
   */
  recordAlertOutcome(input: RecordAlertOutcomeInput): Promise<void>
  /** The newest alert entries of one job first, with each notifier's state. */
  listAlerts(input: ListAlertsInput): Promise<AlertRecord[]>
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
