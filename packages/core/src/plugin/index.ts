// What notifier and store packages share with core: one implementation of each helper, so
// every channel cleans, clips and redacts text the same way. Not for applications.
export { describeError } from '../describe-error.js'
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
  neutralizeBidi,
  singleLine,
} from '../safe-text.js'
