export {
  type AlertEvent,
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
} from './alert-event.js'
export { type CheckMissedRunsOptions, checkMissedRuns, type ScheduledJob } from './check-missed-runs.js'
export { type AlertPolicy, decideAlerts } from './decide-alerts.js'
export { type DeliverEventOptions, deliverEvent } from './deliver-event.js'
export { describeError } from './describe-error.js'
export { type DispatchOptions, dispatchEvent } from './dispatch.js'
export {
  CronwardenError,
  DeliveryError,
  LeaseLostError,
  NotifyTimeoutError,
  type OptionIssue,
  OptionsError,
  RunSkippedError,
  StoreError,
} from './errors.js'
export { type JobContext, MAX_SUMMARY_BYTES } from './job-context.js'
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js'
export { createLogNotifier, type LogNotifierOptions } from './log-notifier.js'
export { createJsonLineLogger, type Logger, silentLogger } from './logger.js'
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js'
export { DEFAULT_LEASE_MS, notifierSchema, type WithFailureAlertingOptions } from './options.js'
export { parseOptions } from './parse-options.js'
export type {
  BeginRunInput,
  BeginRunResult,
  DeliveryRecord,
  ExecutionLogStore,
  FinishRunInput,
  FinishStatus,
  HeartbeatInput,
  ListRunsOptions,
  Notifier,
  NotifyContext,
  RecordMissedRunInput,
  RunRecord,
  RunStatus,
  RunSummary,
  StreakTransition,
} from './ports.js'
export { type Job, withFailureAlerting } from './with-failure-alerting.js'
