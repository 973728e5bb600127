// What notifier and store packages share with core: one implementation of each helper, so
// every channel cleans, clips and redacts text the same way, and every entry point's options
// mean the same. For packages built on cronwarden (stores, notifiers) and their examples;
// applications need only the main entry point.
export { decideAlerts, decideEntry } from '../decide-alerts.js'
export { describeError } from '../describe-error.js'
export { type DispatchOptions, dispatchEvent } from '../dispatch.js'
export { checkUniqueNotifierNames, deliveryOptionsShape, notifierSchema } from '../options.js'
export { parseOptions } from '../parse-options.js'
export { readSafely } from '../read-safely.js'
export { createRedactor, redactError, redactUrls } from '../redact.js'
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
  singleLine,
} from '../safe-text.js'
export { durationMs, MAX_TIMER_MS, nameSchema } from '../schema-helpers.js'
export { boundCall } from '../store-timeout.js'
