export {
  type AlertEvent,
  type AlertEventOf,
  type AlertEventType,
  alertEventSchema,
  type ConsecutiveFailuresEvent,
  consecutiveFailuresEventSchema,
  type LongRunningEvent,
  longRunningEventSchema,
  type MissedRunEvent,
  missedRunEventSchema,
  type RecoveredEvent,
  recoveredEventSchema,
  type StillFailingEvent,
  stillFailingEventSchema,
} from './alert-event.js'
export {
  type CheckMissedRunsOptions,
  checkMissedRuns,
  type MissedRunCheckResult,
  type ScheduledJob,
} from './check-missed-runs.js'
export { type DeliverPendingAlertsOptions, deliverPendingAlerts } from './deliver-pending-alerts.js'
export { describeError } from './describe-error.js'
export {
  CronwardenError,
  DeliveryError,
  isCronwardenError,
  LeaseLostError,
  NotifyTimeoutError,
  type OptionIssue,
  OptionsError,
  RunSkippedError,
  StoreError,
  StoreTimeoutError,
  type TimeLimitError,
} from './errors.js'
export { type ForSchedulerOptions, forScheduler } from './for-scheduler.js'
export { type JobContext, MAX_SUMMARY_BYTES } from './job-context.js'
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js'
export { createLogNotifier, type LogNotifierOptions } from './log-notifier.js'
export { createJsonLineLogger, type Logger, silentLogger } from './logger.js'
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js'
export {
  DEFAULT_ALERT_TTL_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_POLICY,
  type WithFailureAlertingOptions,
} from './options.js'
export { type FieldsFirstLogger, pinoLogger } from './pino-logger.js'
export type {
  AlertDeliveryOutcome,
  AlertPolicy,
  AlertRecord,
  AlertSpec,
  BeginRunInput,
  BeginRunResult,
  ClaimAlertsInput,
  DeliveryRecord,
  EnqueueAlertInput,
  ExecutionLogStore,
  FinishRunInput,
  FinishRunResult,
  FinishStatus,
  GetJobInput,
  HeartbeatInput,
  JobRecord,
  ListAlertsInput,
  ListRunsInput,
  MissedTime,
  MuteJobInput,
  Notifier,
  NotifierDeliveryState,
  NotifyContext,
  PendingAlert,
  RecordAlertOutcomeInput,
  RecordMissedRunInput,
  RecordMissedRunResult,
  RunRecord,
  RunStatus,
  RunSummary,
  StreakTransition,
} from './ports.js'
export { type Job, withFailureAlerting } from './with-failure-alerting.js'
