import type { AlertEvent, AlertEventType, LongRunningEvent } from './alert-event.js'
import type { JsonObject } from './json.js'

/**
 * The two ports of cronwarden. Stores make each lifecycle step atomic in one round trip;
 * notifiers deliver one event to one channel. Policy (when to alert) stays in core.
 *
 * One shape rule for every method: each takes one input object. One rule for times, by the
 * object's case: a camelCase object (inputs, `StreakTransition`, `PendingAlert`: what callers
 * build and core computes with) carries `Date`; a snake_case object (records such as
 * `RunRecord` and `NotifierDeliveryState`, and events: named like the execution log's
 * columns, read out to show or send) carries ISO 8601 strings, the form it keeps as JSON on
 * a wire, in a log line or in `--json` output, wherever it is nested.
 */

/**
 * `missed` rows are written by missed-run detection for a scheduled time at which no run
 * started. The trigger failed to run the job, so a missed time counts in the job's failure
 * streak like a failed run (never in the lease).
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
  /** The notifier's `name`. */
  notifier: string
  /** The type of the event it was asked to deliver. */
  event_type: AlertEventType
  /**
   * `delivered`: `notify` resolved. `failed`: it threw or rejected. `timed_out`: it did not
   * settle within `notifyTimeoutMs`. `expired`: not tried, the entry outlived `alertTtlMs`.
   * `muted`: not sent, the job was muted when the event was decided (see `PendingAlert.muted`).
   */
  status: 'delivered' | 'failed' | 'timed_out' | 'expired' | 'muted'
  /**
   * Why it was not delivered: what `notify` threw (as `describeError` text), or the expiry.
   * Null when delivered.
   */
  error_message: string | null
  /** When the attempt began (ISO 8601, the dispatcher's clock). */
  attempted_at: string
  /** How long the attempt took, in milliseconds; 0 for `expired` and `muted`. */
  duration_ms: number
}

/** One row of the execution log, as `listRuns` returns it (newest first). */
export interface RunRecord {
  /** The id its caller chose: a UUID from `withFailureAlerting`, `missed:<job>:<time>` if missed. */
  run_id: string
  /** The job the row belongs to. */
  job_name: string
  /** `running` until the run finishes, or a later run finds its lease expired (`abandoned`). */
  status: RunStatus
  /** When the run began (ISO 8601, the store's clock); for a `missed` row, the scheduled time. */
  started_at: string
  /**
   * When the row closed (ISO 8601); null while running. For `abandoned`, when the lease
   * expired; for `missed`, when the time was declared missed; for `skipped`, `started_at`.
   */
  finished_at: string | null
  /** `finished_at` minus `started_at`, in milliseconds; null while running. */
  duration_ms: number | null
  /**
   * The job's error, or why the row is abandoned or missed; clipped to
   * `MAX_ERROR_MESSAGE_LENGTH` with NUL and lone surrogates replaced, the same in every store.
   * Null for a success, a running and a skipped row.
   */
  error_message: string | null
  /** The job's streak after this run closed; null while running and for skipped rows. */
  consecutive_failure_count: number | null
  /** The job's last success as of this row (its own finish time for a success). */
  last_success_at: string | null
  /** For skipped rows: the run that held the lease. */
  holder_run_id: string | null
  /** Where the run executed (host name, invocation id); null when not given. */
  host: string | null
  /** What the job passed to `setSummary`; null when it set none. */
  summary: RunSummary | null
  /** Every delivery attempt of every event about this run, oldest first. */
  deliveries: DeliveryRecord[]
}

/** For a transition made by a missed time: the schedule it was missed on. */
export interface MissedTime {
  /** The job's cron expression, as its `ScheduledJob` gives it. */
  schedule: string
  /** The IANA time zone the schedule is read in. */
  timezone: string
  /** The start of the job's last run before the missed time; null if it never ran. */
  lastRunAt: Date | null
}

/**
 * What closing a run did to the job's streak. Returned by `finishRun`, by `beginRun` for
 * each expired run it closed as abandoned, and by `recordMissedRun`. Core's `decideAlerts`
 * turns it into events.
 *
 * Failed runs, abandoned runs and missed scheduled times are all failed executions of the
 * job: each adds one to the streak, in the order the store records them; a success resets it.
 */
export interface StreakTransition {
  /** The job whose streak changed. */
  jobName: string
  /** The run that closed, or the missed time's row. */
  runId: string
  /**
   * How the run closed; `abandoned` (its lease expired) and `missed` (no run started at a
   * scheduled time) count as failures.
   */
  status: 'succeeded' | 'failed' | 'abandoned' | 'missed'
  /** When the run began (the store's clock); for `missed`, the scheduled time. */
  startedAt: Date
  /**
   * When it closed (the store's clock); for `abandoned`, when its lease expired; for
   * `missed`, the scheduled time plus its grace period.
   */
  finishedAt: Date
  /** `finishedAt` minus `startedAt`, in milliseconds. */
  durationMs: number
  /** The error as stored (clipped like `RunRecord.error_message`); null for a success. */
  errorMessage: string | null
  /** The streak before this run closed. */
  previousFailureCount: number
  /** The streak after this run closed: 0 after a success. */
  consecutiveFailureCount: number
  /** The job's last success once this run closed (its own `finishedAt` if it succeeded), or null. */
  lastSuccessAt: Date | null
  /** Start of the streak's first failed run; for a success, of the streak it ended (or null). */
  downSince: Date | null
  /**
   * When the streak's previous failure closed, before this one; null when this transition
   * began the streak, and for a success. Reminders (`realertEveryMs`) are decided from it.
   */
  previousFailureAt: Date | null
  /** For `missed`: the schedule the time was missed on; null otherwise. */
  missed: MissedTime | null
}

/**
 * The policy an alert entry is decided under, written with the entry so that any dispatcher,
 * even one that knows nothing of the job, decides the same events from it.
 */
export interface AlertPolicy {
  /** A streak alerts when its count becomes exactly this (at least 1), never before or again. */
  failureThreshold: number
  /** Whether a success ending a streak that reached the threshold sends `recovered`. */
  notifyOnRecovery: boolean
  /**
   * While a streak that alerted stays open, a `still_failing` reminder on the first failure
   * after each `down_since + k × realertEveryMs`; null for none (one alert per streak).
   */
  realertEveryMs: number | null
}

/**
 * What a store needs to write an alert entry in the same atomic step as the transition it
 * is about. `null` where the caller has no notifiers: nothing could be delivered.
 */
export interface AlertSpec {
  /** Stored with the entry as is: whoever decides it later decides under this policy. */
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

/** What `beginRun` needs to start, or skip, one run. */
export interface BeginRunInput {
  /** The job; a name with control characters is refused before anything is written. */
  jobName: string
  /** The new run's id, chosen by the caller and unique in the store; rows and events carry it. */
  runId: string
  /** The run's lease: without a heartbeat within this time it is considered crashed. */
  leaseMs: number
  /** When true, the run needs the job's lease: a live holder makes this run `skipped`. */
  exclusive: boolean
  /** Recorded on the row: a host name or an invocation id; null when not given. */
  host: string | null
  /** For runs closed as abandoned here: their alert entries (written unclaimed). */
  alert: AlertSpec | null
}

/**
 * Either the run started, or a live run holds the job's lease and this one was recorded as
 * skipped and must not run. Both report the runs closed as abandoned on the way in.
 */
export type BeginRunResult =
  | {
      /** A `running` row was written, holding the job's lease when `exclusive`. */
      outcome: 'started'
      /** The run's start by the store's clock: its row's `started_at`, and its events' too. */
      startedAt: Date
      /** The job's streak and last success before this run, for `long_running` events. */
      consecutiveFailureCount: number
      /** The job's last success before this run; null if it never succeeded. */
      lastSuccessAt: Date | null
      /** Runs of this job whose lease had expired, closed as abandoned (oldest first). */
      abandoned: StreakTransition[]
      /** This job's alert entries not yet settled (those just written for `abandoned` too). */
      pendingAlerts: number
    }
  | {
      /** A live run holds the lease: a `skipped` row naming it was written. The job must not run. */
      outcome: 'skipped'
      /** When the skipped row was recorded (the store's clock). */
      startedAt: Date
      /** The run that holds the lease. */
      holderRunId: string
      /** Runs of this job whose lease had expired, closed as abandoned (oldest first). */
      abandoned: StreakTransition[]
      /** This job's alert entries not yet settled (those just written for `abandoned` too). */
      pendingAlerts: number
    }

/** What `finishRun` needs to close a run. */
export interface FinishRunInput {
  /** The run's job: a run id recorded under another job counts as unknown. */
  jobName: string
  /** The run `beginRun` started. */
  runId: string
  /** How the job ended: it returned, or it threw. */
  status: FinishStatus
  /**
   * What the job threw, as `describeError` text; null for a success. The store keeps it
   * clipped and cleaned (`clipText(cleanText(...))`), the same as every other store.
   */
  errorMessage: string | null
  /** Kept with the row; null when the job set none. */
  summary: RunSummary | null
  /** Written with the transition when it could lead to an event (written claimed). */
  alert: AlertSpec | null
}

/** What closing the run did, and the alert entry written with it. */
export interface FinishRunResult {
  /** The job's streak before and after this run. */
  transition: StreakTransition
  /**
   * The alert entry written with the transition, claimed by this caller: a failure, or a
   * success that ended a streak. `null` for a success after a success, or without `alert`.
   */
  alert: PendingAlert | null
}

/** Renews one running run's lease. */
export interface HeartbeatInput {
  /** The run's job. */
  jobName: string
  /** The running run. */
  runId: string
  /** The renewed lease, from now by the store's clock, in milliseconds. */
  leaseMs: number
}

/**
 * A scheduled time at which no run started, to record as a `missed` row that counts in the
 * job's streak like a failed run.
 */
export interface RecordMissedRunInput {
  /** The job that missed its time. */
  jobName: string
  /** Derived from the job and the scheduled time, so every detector writes the same id. */
  runId: string
  /** The scheduled time at which no run started. */
  expectedAt: Date
  /** When the time was declared missed (the scheduled time plus the grace period). */
  detectedAt: Date
  /** Why the row is missed; stored as its `error_message`. */
  errorMessage: string
  /** The schedule the time was missed on, kept with the transition for its event. */
  missed: MissedTime
  /** The entry to write with the transition (claimed); null without notifiers. */
  alert: AlertSpec | null
}

/** Whether this call recorded the missed time, and what it did to the streak if so. */
export interface RecordMissedRunResult {
  /**
   * True only for the caller that created the row. A time recorded before, or one at or
   * before the start of the job's latest run (a run that began while the checker looked),
   * is not recorded and changes nothing.
   */
  created: boolean
  /** The streak step the missed time made (only when `created`). */
  transition: StreakTransition | null
  /** The entry written with it, claimed by this caller (only when `created` and `alert` given). */
  alert: PendingAlert | null
}

/** A job's standing, as `getJob` returns it. */
export interface JobRecord {
  /** The job. */
  job_name: string
  /** Failed runs and missed times in a row since the last success. */
  consecutive_failure_count: number
  /** When the open streak began (ISO 8601); null when the job is not failing. */
  down_since: string | null
  /** The job's last success (ISO 8601); null if it never succeeded. */
  last_success_at: string | null
  /** The start of the job's latest run, skipped ones included, missed times not (ISO 8601). */
  last_run_at: string | null
  /** Alerts decided before this time are recorded `muted`, not sent (ISO 8601): a past time no longer mutes. Null when never muted or unmuted. */
  muted_until: string | null
}

/** Which job `getJob` reads. */
export interface GetJobInput {
  /** The job. */
  jobName: string
}

/** Mutes or unmutes one job's alerts. */
export interface MuteJobInput {
  /** The job; muting one that never ran is allowed (it applies from its first run). */
  jobName: string
  /**
   * Alerts decided before this time are recorded as `muted` with their event and never sent
   * (unmuting does not replay them); null unmutes now. The streak keeps counting either way.
   */
  until: Date | null
}

/** An event decided while it happened (a run passing its maximum runtime), to deliver durably. */
export interface EnqueueAlertInput {
  /** The job of the run the event is about. */
  jobName: string
  /** The run the event is about; its deliveries are appended to this row. */
  runId: string
  /** Stored as decided: a dispatcher sends it as is, whenever it gets the entry. */
  event: LongRunningEvent
  /** The notifiers owed the event, its time to live, and how long the writer's claim holds. */
  alert: AlertSpec
}

/** Where one notifier stands with one alert entry. */
export interface NotifierDeliveryState {
  /** The notifier's `name`. */
  notifier: string
  /**
   * `pending` (not tried yet), `failed` (will be retried), `delivered`, `expired` (given
   * up), `muted` (not sent: the entry was muted).
   */
  status: 'pending' | 'failed' | 'delivered' | 'expired' | 'muted'
  /** Sends tried so far; an `expired` outcome is not an attempt. */
  attempts: number
  /** The latest failed attempt's error; null if none failed. */
  last_error: string | null
  /** When the latest attempt began (ISO 8601); null before the first. */
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
  /** The entry's id, unique in the store. */
  alertId: string
  /** The job the entry is about. */
  jobName: string
  /** The run the entry is about; delivery attempts are appended to its row. */
  runId: string
  /** The store's time of the transition; every event decided from it carries this time. */
  createdAt: Date
  /** `createdAt` plus the writer's `ttlMs`: after it the entry is recorded expired, never sent. */
  expiresAt: Date
  /** True once `expiresAt` has passed (by the store's clock): record it expired, send nothing. */
  expired: boolean
  /**
   * Decided by the store when it wrote the entry: the job was muted then, or the entry is a
   * success ending a streak whose alert was recorded muted. Its event is recorded `muted` for
   * every owed notifier and never sent.
   */
  muted: boolean
  /**
   * What to send: a `transition` (a closed run or a missed time), decided by `decideEntry`
   * under `policy`, or an `event` decided when it happened (a long run), sent as is.
   */
  subject: { kind: 'transition'; transition: StreakTransition } | { kind: 'event'; event: AlertEvent }
  /** The policy the writer had, stored with the entry. */
  policy: AlertPolicy
  /** Each owed notifier and where it stands; only `pending` and `failed` ones are sent to. */
  notifiers: NotifierDeliveryState[]
  /** Proves the claim when the outcome is recorded. */
  claimToken: string
}

/** Which due entries a dispatcher takes, and for how long. */
export interface ClaimAlertsInput {
  /** Only these jobs' entries; `null` for every job. */
  jobNames: string[] | null
  /** The notifiers this dispatcher has: entries owing none of them are left for another. */
  notifiers: string[]
  /** At most this many entries, oldest first. */
  limit: number
  /** How long the claim holds; a dispatcher that crashed loses it then. */
  claimMs: number
}

/** One notifier's outcome for one entry, as the dispatcher reports it. */
export interface AlertDeliveryOutcome extends DeliveryRecord {
  /** For `failed` / `timed_out`: when to try again, from now (the store's clock). */
  retryAfterMs: number | null
}

/** A dispatcher's report on one claimed entry. */
export interface RecordAlertOutcomeInput {
  /** The claimed entry. */
  alertId: string
  /**
   * The token the claim came with. Outcomes under a stale token are still recorded, but it
   * cannot release a claim another dispatcher now holds.
   */
  claimToken: string
  /** The decided event's type; `null` when the entry decided no event (it is then settled). */
  eventType: AlertEventType | null
  /**
   * One per notifier tried (or expired, or muted) this time. `delivered`, `expired` and
   * `muted` are final: a later outcome for that notifier is kept with the run but changes
   * nothing. A `muted` outcome of a `consecutive_failures` or `missed_run` event marks the
   * streak's alert as muted, so the success ending it is muted too (`PendingAlert.muted`);
   * a `delivered` outcome of a later `still_failing` event of that streak clears the mark.
   */
  outcomes: AlertDeliveryOutcome[]
}

/** One alert entry and where each notifier stands with it, as `listAlerts` returns it. */
export interface AlertRecord {
  /** The entry's id (`PendingAlert.alertId`). */
  alert_id: string
  /** The job the entry is about. */
  job_name: string
  /** The run the entry is about. */
  run_id: string
  /** The decided event's type: null until decided, and for an entry that decided none. */
  event_type: AlertEventType | null
  /**
   * `pending` until every owed notifier has it (`delivered`) or it expired; `no_event` when
   * the policy decided no event from it (a failure below the threshold, for instance);
   * `muted` when its event was recorded, not sent, because the job was muted.
   */
  status: 'pending' | 'delivered' | 'expired' | 'no_event' | 'muted'
  /** When the entry was written (ISO 8601, the store's clock). */
  created_at: string
  /** When it is given up if still pending (ISO 8601, the store's clock). */
  expires_at: string
  /** Each owed notifier and where it stands. */
  notifiers: NotifierDeliveryState[]
}

/** Which alert entries `listAlerts` returns. */
export interface ListAlertsInput {
  /** The job whose entries are listed. */
  jobName: string
  /** At most this many entries, newest first. Default 50. */
  limit?: number
}

/** Which runs `listRuns` returns. */
export interface ListRunsInput {
  /** The job whose runs are listed. */
  jobName: string
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
  listRuns(input: ListRunsInput): Promise<RunRecord[]>
  /** One job's streak, last run and mute; null for a job the store has never seen. */
  getJob(input: GetJobInput): Promise<JobRecord | null>
  /** Mutes a job's alerts until a time, or unmutes it (`until: null`). */
  muteJob(input: MuteJobInput): Promise<void>
}

/** What a notifier gets with each event, besides the event. */
export interface NotifyContext {
  /** Aborted when the notifier's time (`notifyTimeoutMs`) is up: stop sending then. */
  signal: AbortSignal
}

/** A channel: Slack, email, a log line. `notify` rejects when delivery failed. */
export interface Notifier {
  /**
   * Keys this channel's delivery records and states, so it must be unique among one caller's
   * notifiers and stay the same across deploys: an entry owed to a name waits for a
   * dispatcher that has a notifier of that name.
   */
  readonly name: string
  /**
   * Sends one event. Resolve once the channel accepted it; reject when it did not, and it is
   * retried with backoff. Stop when `context.signal` aborts: the attempt is then `timed_out`.
   * Delivery is at least once, so the same event can come again after a lost acknowledgement.
   */
  notify(event: AlertEvent, context: NotifyContext): Promise<void>
}
