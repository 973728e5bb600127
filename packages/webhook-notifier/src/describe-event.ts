import type { AlertEvent, AlertEventOf } from '@cronwarden/core'
import {
  byEventType,
  counted,
  displayFields,
  failureStreak,
  firstLine,
  formatDuration,
  readUnknownEvent,
  singleLine,
  unknownEventSentence,
  utcTime,
} from '@cronwarden/core/plugin'
import type { PagerDutySeverity } from './options.js'

/** One labelled value of an alert; `at` marks a timestamp a channel may show in the reader's zone. */
export interface Fact {
  label: string
  value: string
  at?: string
}

/**
 * What an event says, once, for every channel: each format lays it out and escapes it for its
 * own markup. Every string may hold text from the job (its name, its error, a run id), so
 * every format treats every string here as untrusted.
 */
export interface EventDescription {
  icon: string
  /** The job's name, on one line. */
  jobName: string
  /** When the event was decided, as ISO 8601 in UTC; undefined when unreadable. */
  occurredAt: string | undefined
  /** What happened, after the job's name: `failed 2 times in a row`. */
  what: string
  /** The end of the one-line version (a notification): the error's first line, or a detail. */
  detail: string
  /** A sentence for the body, or null when the error says it all. */
  sentence: string | null
  /** The job's error (multi-line), for failures; null for other events. */
  error: string | null
  facts: Fact[]
  severity: PagerDutySeverity
  /** The incident the event belongs to: opened (or still open) by it, or closed by it. */
  incident: { id: string; action: 'trigger' | 'resolve' }
}

type Described = Omit<EventDescription, 'occurredAt'>

const EMPTY_ERROR = '(the job failed without an error message)'

/** The description of any event: adding an event type to core means adding one case here. */
export function describeEvent(alert: AlertEvent): EventDescription {
  const described = describeFields(displayFields(alert))
  const occurredAt: unknown = typeof alert === 'object' && alert !== null ? alert.occurred_at : undefined
  return {
    ...described,
    occurredAt: typeof occurredAt === 'string' ? isoOf(occurredAt) : undefined,
    // A fact is one line in every layout (a Teams fact, a Discord field).
    facts: described.facts.map((fact) => ({ ...fact, value: singleLine(fact.value) })),
  }
}

// Compile time: adding an event type to core means adding one handler here. Run time: a
// newer sender's type is still sent, as its fields, rather than failing the delivery.
const describeFields = byEventType<Described>(
  {
    consecutive_failures: describeConsecutiveFailures,
    long_running: describeLongRunning,
    recovered: describeRecovered,
    missed_run: describeMissedRun,
    still_failing: describeStillFailing,
  },
  describeUnknown,
)

function describeConsecutiveFailures(event: AlertEventOf<'consecutive_failures'>): Described {
  const count = event.consecutive_failure_count
  const error = event.error_message.trim() === '' ? null : event.error_message
  return {
    icon: '🔴',
    jobName: singleLine(event.job_name),
    what: `failed ${count} ${count === 1 ? 'time' : 'times'} in a row`,
    detail: error === null ? EMPTY_ERROR : firstLine(error),
    sentence: error === null ? EMPTY_ERROR : null,
    error,
    facts: [
      streakFact(event),
      { label: 'Duration', value: formatDuration(event.duration_ms) },
      time('Started', event.started_at),
      time('Failing since', event.down_since),
      { label: 'Run id', value: event.run_id },
      lastSuccess(event.last_success_at),
    ],
    severity: 'error',
    incident: { id: streakId(event.job_name, event.down_since), action: 'trigger' },
  }
}

function describeLongRunning(event: AlertEventOf<'long_running'>): Described {
  const limit = formatDuration(event.max_runtime_ms)
  return {
    icon: '🟠',
    jobName: singleLine(event.job_name),
    what: `is still running after ${formatDuration(event.running_for_ms)}`,
    detail: `limit ${limit}`,
    sentence: `This run passed its time limit of ${limit} and has not finished yet.`,
    error: null,
    facts: [
      time('Started', event.started_at),
      { label: 'Running for', value: formatDuration(event.running_for_ms) },
      { label: 'Time limit', value: limit },
      { label: 'Run id', value: event.run_id },
      lastSuccess(event.last_success_at),
    ],
    severity: 'warning',
    // A slow run is its own incident: no streak, and no event when it ends.
    incident: { id: `${event.job_name}/run/${event.run_id}`, action: 'trigger' },
  }
}

function describeRecovered(event: AlertEventOf<'recovered'>): Described {
  const failures = event.failures_in_streak
  const streak = `${failures} consecutive ${failures === 1 ? 'failure' : 'failures'}`
  return {
    icon: '🟢',
    jobName: singleLine(event.job_name),
    what: 'recovered',
    detail: `after ${streak}`,
    sentence: `The job succeeded again after ${streak}.`,
    error: null,
    facts: [
      time('Failing since', event.down_since),
      time('Recovered at', event.last_success_at),
      { label: 'Down for', value: formatDuration(Date.parse(event.last_success_at) - Date.parse(event.down_since)) },
      { label: 'Run id', value: event.run_id },
    ],
    severity: 'info',
    incident: { id: streakId(event.job_name, event.down_since), action: 'resolve' },
  }
}

function describeMissedRun(event: AlertEventOf<'missed_run'>): Described {
  const grace = formatDuration(event.grace_ms)
  const streak = failureStreak(event.consecutive_failure_count, event.threshold)
  return {
    icon: '🟡',
    jobName: singleLine(event.job_name),
    what: 'missed its scheduled run',
    detail: `at ${utcTime(event.expected_at)}, ${streak}`,
    sentence: `No run started at ${utcTime(event.expected_at)}, nor within the grace period of ${grace} after it: ${streak}.`,
    error: null,
    facts: [
      streakFact(event),
      { label: 'Schedule', value: event.schedule },
      { label: 'Time zone', value: event.timezone },
      time('Expected at', event.expected_at),
      { label: 'Grace period', value: grace },
      event.last_run_at === null ? { label: 'Last run', value: 'never' } : time('Last run', event.last_run_at),
      // The streak may have begun with a failed run, not a missed time.
      time('Failing since', event.down_since),
      lastSuccess(event.last_success_at),
    ],
    severity: 'error',
    incident: { id: streakId(event.job_name, event.down_since), action: 'trigger' },
  }
}

function describeStillFailing(event: AlertEventOf<'still_failing'>): Described {
  const count = event.consecutive_failure_count
  const error = event.error_message.trim() === '' ? null : event.error_message
  const since = `since ${utcTime(event.down_since)} (${formatDuration(event.down_for_ms)})`
  return {
    icon: '🔴',
    jobName: singleLine(event.job_name),
    what: 'still failing',
    // The job and the "failing since" time name the incident in every layout, the one-line
    // ones included, so a reader can match the reminder to the alert it follows up.
    detail: `${count} in a row ${since}: ${error === null ? EMPTY_ERROR : firstLine(error)}`,
    sentence: `Failing ${since}: ${counted(count, 'failure')} in a row.`,
    error,
    facts: [
      streakFact(event),
      time('Failing since', event.down_since),
      { label: 'Down for', value: formatDuration(event.down_for_ms) },
      { label: 'Reminder every', value: formatDuration(event.realert_every_ms) },
      { label: 'Run id', value: event.run_id },
      lastSuccess(event.last_success_at),
    ],
    severity: 'error',
    // The open incident's own key: PagerDuty adds the reminder to it instead of opening another.
    incident: { id: streakId(event.job_name, event.down_since), action: 'trigger' },
  }
}

/** The same fact in every event about a streak, so an alert and its reminders compare at a glance. */
function streakFact(event: { consecutive_failure_count: number; threshold: number }): Fact {
  return {
    label: 'Failures in a row',
    value: `${event.consecutive_failure_count} (alert threshold ${event.threshold})`,
  }
}

function describeUnknown(value: unknown): Described {
  const event = readUnknownEvent(value)
  const sentence = unknownEventSentence(event, '@cronwarden/webhook-notifier')
  return {
    icon: '⚪',
    jobName: event.jobName,
    what: `had a "${event.type}" event`,
    detail: 'a type this version of @cronwarden/webhook-notifier does not know',
    sentence,
    error: null,
    facts: event.fields.map(([label, value]) => ({ label, value })),
    severity: 'warning',
    // Within its streak when it names one; otherwise an incident of its own.
    incident: {
      id:
        event.downSince === null
          ? `${event.jobName}/${event.type}/${event.runId ?? event.occurredAt ?? ''}`
          : streakId(event.jobName, event.downSince),
      action: 'trigger',
    },
  }
}

/**
 * `job_name` + `down_since` name one streak (the design's incident key). The time is
 * normalised so two stores writing it differently (`+00:00`, fewer digits) give one id.
 */
function streakId(jobName: string, downSince: string): string {
  return `${jobName}/${isoOf(downSince) ?? downSince}`
}

function isoOf(text: string): string | undefined {
  const millis = Date.parse(text)
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString()
}

function time(label: string, iso: string): Fact {
  return { label, value: utcTime(iso), at: iso }
}

function lastSuccess(iso: string | null): Fact {
  return iso === null ? { label: 'Last success', value: 'never' } : time('Last success', iso)
}
