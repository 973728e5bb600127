// What notifier and store packages share with core: one implementation of each helper, so
// every channel cleans, clips and redacts text the same way, and every entry point's options
// mean the same. For packages built on cronwarden (stores, notifiers) and their examples;
// applications need only the main entry point.
export { ChannelError, type ChannelErrorCode, type ChannelErrorDetails } from '../channel-error.js'
export { decideAlerts, decideEntry } from '../decide-alerts.js'
export { describeError, describeNetworkError, kindOf, valueText } from '../describe-error.js'
export { type DispatchOptions, dispatchEvent } from '../dispatch.js'
export { byEventType } from '../event-handlers.js'
export { escapeHtml } from '../html-text.js'
export { counted, failureStreak, firstLine, formatDuration, utcTime } from '../human-text.js'
export {
  checkUniqueNotifierNames,
  deliveryOptionsShape,
  notifierSchema,
  realertSchema,
  STORE_METHODS,
} from '../options.js'
export { parseOptions } from '../parse-options.js'
export { readSafely } from '../read-safely.js'
export { createRedactor, redactError, redactUrls } from '../redact.js'
export {
  createRetryRules,
  parseRetryAfter,
  type RetryableFailure,
  type RetryDecision,
  type RetryOptions,
} from '../retry-rules.js'
export {
  checkJobName,
  cleanJson,
  cleanText,
  clipText,
  codePointPrefix,
  displayFields,
  displayText,
  hasControlCharacters,
  MAX_ERROR_MESSAGE_LENGTH,
  neutralizeBackticks,
  singleLine,
} from '../safe-text.js'
export {
  durationMs,
  MAX_TIMER_MS,
  nameSchema,
  objectWithMethods,
  type SchemaMatches,
  schemaMatches,
} from '../schema-helpers.js'
export { boundCall } from '../store-timeout.js'
export { abandonedMessage, advanceStreak, type ClosedExecution, type StreakState } from '../streak.js'
export {
  MAX_UNKNOWN_EVENT_FIELDS,
  readUnknownEvent,
  type UnknownEvent,
  unknownEventSentence,
} from '../unknown-event.js'
export { untilAborted } from '../until-aborted.js'
