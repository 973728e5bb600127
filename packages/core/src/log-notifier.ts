import { z } from 'zod'
import type { AlertEvent } from './alert-event.js'
import { byEventType } from './event-handlers.js'
import { failureStreak, formatDuration } from './human-text.js'
import { createJsonLineLogger, type Logger } from './logger.js'
import { parseOptions } from './parse-options.js'
import type { Notifier } from './ports.js'
import { objectWithMethods, schemaMatches } from './schema-helpers.js'
import { readUnknownEvent, unknownEventSentence } from './unknown-event.js'

/** Options of `createLogNotifier`; unknown keys are an error. */
export interface LogNotifierOptions {
  /** Default `log`. */
  name?: string
  /** Where lines go. Default: one JSON line per event, failures on stderr, recoveries on stdout. */
  logger?: Logger
}

const logNotifierOptionsSchema = z.strictObject({
  name: z.string().min(1).default('log'),
  logger: objectWithMethods<Logger>(['info', 'warn', 'error'], 'a logger').optional(),
})

schemaMatches<typeof logNotifierOptionsSchema, LogNotifierOptions>(true)

/**
 * One structured line per event, with every event field at the top level so a log search
 * for `job_name` or `type` finds it. Needs no setup, which makes it the embedded default
 * and a useful second channel next to chat or email.
 */
export function createLogNotifier(options: LogNotifierOptions = {}): Notifier {
  const { name, logger } = parseOptions(logNotifierOptionsSchema, options, 'createLogNotifier options')
  const sink = logger ?? createJsonLineLogger('cronwarden.alert')
  return {
    name,
    async notify(event: AlertEvent) {
      const message = summarize(event)
      if (event.type === 'recovered') sink.info(message, event)
      else sink.error(message, event)
    },
  }
}

// A type this version does not know (a newer sender's) is still logged, with its fields.
const summarize = byEventType<string>(
  {
    consecutive_failures: (event) =>
      `${event.job_name} failed ${event.consecutive_failure_count} times in a row: ${event.error_message}`,
    long_running: (event) =>
      `${event.job_name} has been running for ${event.running_for_ms} ms (limit ${event.max_runtime_ms} ms)`,
    recovered: (event) => `${event.job_name} recovered after ${event.failures_in_streak} consecutive failures`,
    missed_run: (event) =>
      `${event.job_name} did not run at ${event.expected_at} (${event.schedule} ${event.timezone}), ${failureStreak(event.consecutive_failure_count, event.threshold)}; last run: ${event.last_run_at ?? 'never'}`,
    // The incident is named as the first alert's fields name it (job, `down_since` as stored),
    // so a reader can find that alert's line from this one.
    still_failing: (event) =>
      `${event.job_name} still failing: ${event.consecutive_failure_count} in a row since ${event.down_since} (${formatDuration(event.down_for_ms)}): ${event.error_message}`,
  },
  (event) => unknownEventSentence(readUnknownEvent(event), '@cronwarden/core'),
)
