import { describeError, type Logger } from '@cronwarden/core'
import { redactUrls } from '@cronwarden/core/plugin'
import type { Output } from './output.js'

/** What the library logged while a command ran, for its summary and exit code. */
export interface CommandLogger extends Logger {
  /** Error-level messages logged (failed deliveries, expiries, internal errors). */
  readonly errors: number
}

/**
 * The library's log calls as readable stderr lines (`delivery failed: job … notifier …`),
 * not JSON: a person reads them. Info lines only with `--verbose`. Every value is redacted
 * of URLs, as test-alert's are.
 */
export function createCommandLogger(out: Output, verbose: boolean): CommandLogger {
  let errors = 0
  const write = (level: string, message: string, fields: Record<string, unknown> = {}) => {
    const details = Object.entries(fields)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => `${key}=${fieldText(value)}`)
      .join(' ')
    const paint = level === 'error' ? out.noteColors.red : out.noteColors.yellow
    out.note(redactUrls(`${paint(level)}: ${message}${details ? ` (${details})` : ''}`))
  }
  return {
    get errors() {
      return errors
    },
    info: (message, fields) => {
      if (verbose) write('info', message, fields)
    },
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => {
      errors += 1
      write('error', message, fields)
    },
  }
}

/** A log field as text: numbers as numbers (not "Non-Error thrown: 26"), an Error by `describeError`, data as JSON. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Error) return describeError(value)
  try {
    return JSON.stringify(value) ?? describeError(value)
  } catch {
    return describeError(value)
  }
}
