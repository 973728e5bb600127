import { type Logger, readableError } from './logger.js'

/** A logger that takes the fields first and the message second: pino, bunyan. */
export interface FieldsFirstLogger {
  /** pino's `logger.info(fields, message)`. */
  info(fields: object, message: string): void
  /** pino's `logger.warn(fields, message)`. */
  warn(fields: object, message: string): void
  /** pino's `logger.error(fields, message)`. */
  error(fields: object, message: string): void
}

/**
 * cronwarden logs as `(message, fields)`, the order of console and winston. pino and bunyan
 * take `(fields, message)`, and given the other order they read the fields as printf
 * arguments and drop them, the alert event with them. Wrap such a logger with this:
 * `logger: pinoLogger(pino())`. Errors among the fields keep their name and message under
 * their own key (pino serialises only `err` as an error).
 */
export function pinoLogger(logger: FieldsFirstLogger): Logger {
  const log =
    (level: keyof FieldsFirstLogger) =>
    (message: string, fields?: Record<string, unknown>): void =>
      logger[level](withReadableErrors(fields), message)
  return { info: log('info'), warn: log('warn'), error: log('error') }
}

function withReadableErrors(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {}
  const shown: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    shown[key] = readableError(value)
  }
  return shown
}
