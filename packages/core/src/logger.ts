import { describeError } from './describe-error.js'

/**
 * The few log calls cronwarden makes, message first: console and winston fit as they are;
 * pino and bunyan (fields first) through `pinoLogger`.
 */
export interface Logger {
  /** Routine news, such as an alert delivered. Fields are snake_case and may hold `Error`s. */
  info(message: string, fields?: Record<string, unknown>): void
  /** Nothing lost, worth a look: a skipped overlapping call, a lost lease, an alert with no notifier. */
  warn(message: string, fields?: Record<string, unknown>): void
  /** Something failed: a delivery, a store call, an alert that expired undelivered. */
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * One JSON object per line: hosted log viewers (Supabase Edge Function logs among them)
 * index these fields. Warnings and errors go to stderr so their level survives.
 */
export function createJsonLineLogger(source = 'cronwarden'): Logger {
  const write = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    const line = jsonLine({ level, source, message }, fields)
    if (level === 'info') console.log(line)
    else console.error(line)
  }
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  }
}

/** Drops every line: for tests, and for callers that watch `onInternalError` instead. */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
}

/**
 * The line with its fields, or without them when they cannot be serialised (a BigInt, a
 * cycle, a throwing getter in a value from user code): the message is never lost.
 */
function jsonLine(head: Record<string, string>, fields: Record<string, unknown> | undefined): string {
  try {
    return JSON.stringify({ ...head, ...fields }, (_key, value: unknown) => readableError(value))
  } catch (error) {
    return JSON.stringify({ ...head, fields_dropped: describeError(error) })
  }
}

/**
 * A log field as a log line can show it: an Error as its name and message (JSON and pino
 * would show `{}` or drop it; its stack may quote secrets), anything else as it is.
 */
export function readableError(value: unknown): unknown {
  if (value instanceof Error) return { name: String(value.name), message: describeError(value) }
  return value
}
