import type { AlertEvent, AlertEventOf } from '@cronwarden/core'
import {
  byEventType,
  displayFields,
  failureStreak,
  firstLine,
  formatDuration,
  neutralizeBackticks,
  readUnknownEvent,
  singleLine,
  unknownEventSentence,
  utcTime,
} from '@cronwarden/core/plugin'
import { escapeSlackText } from './escape.js'
import { slackDate } from './format-time.js'
import { SLACK_LIMITS } from './slack-limits.js'
import type { ContextBlock, HeaderBlock, MrkdwnTextObject, SlackMessage } from './slack-message.js'
import { fitEscaped } from './truncate.js'

/**
 * The exact payload posted for an event: pure, so it can be previewed and tested without
 * Slack. Every piece of text taken from the event is escaped (a mention or link in it pings
 * nobody), values a job controls sit in code spans or plain text (so `*bold*` stays literal),
 * and every Slack size limit holds whatever the input.
 */
export function formatSlackMessage(alert: AlertEvent): SlackMessage {
  return formatFields(displayFields(alert))
}

// Compile time: a new event type in core must be laid out here before this package compiles.
// Run time: a newer sender's type is still posted, as its fields, rather than failing the delivery.
const formatFields = byEventType<SlackMessage>(
  {
    consecutive_failures: formatConsecutiveFailures,
    long_running: formatLongRunning,
    recovered: formatRecovered,
    missed_run: formatMissedRun,
    still_failing: formatStillFailing,
  },
  formatUnknown,
)

const UNKNOWN_ICON = '⚪'

const ICONS = {
  consecutive_failures: '🔴',
  long_running: '🟠',
  recovered: '🟢',
  missed_run: '🟡',
  still_failing: '🔴',
} as const satisfies Record<AlertEvent['type'], string>

function formatConsecutiveFailures(event: AlertEventOf<'consecutive_failures'>): SlackMessage {
  const count = event.consecutive_failure_count
  const what = `failed ${count} ${count === 1 ? 'time' : 'times'} in a row`
  return {
    text: fallback(`${ICONS.consecutive_failures} `, event.job_name, ` ${what}: `, firstLine(event.error_message)),
    blocks: [
      header(ICONS.consecutive_failures, event.job_name, what),
      {
        type: 'section',
        text: mrkdwn(errorBlock(event.error_message)),
        fields: [
          streakField(event),
          field('Duration', formatDuration(event.duration_ms)),
          field('Started', slackDate(event.started_at)),
          field('Failing since', slackDate(event.down_since)),
          codeField('Run id', event.run_id),
        ],
      },
      lastSuccess(event.last_success_at),
    ],
  }
}

function formatLongRunning(event: AlertEventOf<'long_running'>): SlackMessage {
  const what = `is still running after ${formatDuration(event.running_for_ms)}`
  const limit = formatDuration(event.max_runtime_ms)
  return {
    text: fallback(`${ICONS.long_running} `, event.job_name, ` ${what} (limit ${limit})`),
    blocks: [
      header(ICONS.long_running, event.job_name, what),
      {
        type: 'section',
        text: mrkdwn(`This run passed its time limit of *${limit}* and has not finished yet.`),
        fields: [
          field('Started', slackDate(event.started_at)),
          field('Running for', formatDuration(event.running_for_ms)),
          field('Time limit', limit),
          codeField('Run id', event.run_id),
        ],
      },
      lastSuccess(event.last_success_at),
    ],
  }
}

function formatRecovered(event: AlertEventOf<'recovered'>): SlackMessage {
  const failures = event.failures_in_streak
  const streak = `${failures} consecutive ${failures === 1 ? 'failure' : 'failures'}`
  const downFor = Date.parse(event.last_success_at) - Date.parse(event.down_since)
  return {
    text: fallback(`${ICONS.recovered} `, event.job_name, ` recovered after ${streak}`),
    blocks: [
      header(ICONS.recovered, event.job_name, 'recovered'),
      {
        type: 'section',
        text: mrkdwn(`The job succeeded again after *${streak}*.`),
        fields: [
          field('Failing since', slackDate(event.down_since)),
          field('Recovered at', slackDate(event.last_success_at)),
          field('Down for', formatDuration(downFor)),
          codeField('Run id', event.run_id),
        ],
      },
    ],
  }
}

function formatMissedRun(event: AlertEventOf<'missed_run'>): SlackMessage {
  const what = 'missed its scheduled run'
  const grace = formatDuration(event.grace_ms)
  const streak = failureStreak(event.consecutive_failure_count, event.threshold)
  return {
    text: fallback(
      `${ICONS.missed_run} `,
      event.job_name,
      ` ${what} at ${escapeSlackText(utcTime(event.expected_at))}: ${streak}`,
    ),
    blocks: [
      header(ICONS.missed_run, event.job_name, what),
      {
        type: 'section',
        text: mrkdwn(
          `No run started for ${slackDate(event.expected_at)}, nor within the grace period of *${grace}* after it: *${streak}*.`,
        ),
        fields: [
          streakField(event),
          codeField('Schedule', event.schedule),
          codeField('Time zone', event.timezone),
          field('Expected at', slackDate(event.expected_at)),
          field('Grace period', grace),
          field('Last run', event.last_run_at === null ? 'never' : slackDate(event.last_run_at)),
          // The streak may have begun with a failed run, not a missed time.
          field('Failing since', slackDate(event.down_since)),
        ],
      },
      lastSuccess(event.last_success_at),
    ],
  }
}

/**
 * An incoming webhook cannot reply in a thread (it gets no message `ts` back), so the
 * reminder is tied to its alert by text: the same job and the same "failing since" time the
 * alert showed, in the notification line as well as in the fields.
 */
function formatStillFailing(event: AlertEventOf<'still_failing'>): SlackMessage {
  const count = event.consecutive_failure_count
  const downFor = formatDuration(event.down_for_ms)
  return {
    text: fallback(
      `${ICONS.still_failing} `,
      event.job_name,
      ` still failing: ${count} in a row since ${escapeSlackText(utcTime(event.down_since))} (${downFor}): `,
      firstLine(event.error_message),
    ),
    blocks: [
      header(ICONS.still_failing, event.job_name, `still failing (${count} in a row)`),
      {
        type: 'section',
        text: mrkdwn(errorBlock(event.error_message, 'Latest error')),
        fields: [
          streakField(event),
          field('Failing since', slackDate(event.down_since)),
          field('Down for', downFor),
          field('Reminder every', formatDuration(event.realert_every_ms)),
          codeField('Run id', event.run_id),
        ],
      },
      lastSuccess(event.last_success_at),
    ],
  }
}

function formatUnknown(value: unknown): SlackMessage {
  const event = readUnknownEvent(value)
  // Escaped like the job name around it, and short: the header has 150 characters for both.
  const what = `had a "${fitEscaped(event.type, 40, { marker: 'short' })}" event`
  return {
    text: fallback(`${UNKNOWN_ICON} `, event.jobName, ` ${what}`),
    blocks: [
      header(UNKNOWN_ICON, event.jobName, what),
      {
        type: 'section',
        text: mrkdwn(
          fitEscaped(unknownEventSentence(event, '@cronwarden/slack-notifier'), SLACK_LIMITS.sectionText, {
            marker: 'short',
          }),
        ),
        // Labels are plain names (letters, digits, `_ . -`); values are the sender's, in code spans.
        ...(event.fields.length === 0 ? {} : { fields: event.fields.map(([label, value]) => codeField(label, value)) }),
      },
    ],
  }
}

/** The header names the job first: on a phone it is the line that is read. */
function header(icon: string, jobName: string, what: string): HeaderBlock {
  const before = `${icon} `
  const after = ` ${what}`
  // A header is one line of plain text; a line break in a job name would split it.
  const name = fitEscaped(singleLine(jobName), SLACK_LIMITS.headerText, {
    reserved: before.length + after.length,
    marker: 'short',
  })
  return { type: 'header', text: { type: 'plain_text', text: `${before}${name}${after}`, emoji: true } }
}

/**
 * The error in a code block, where Slack applies no formatting. The fences and label count
 * toward the section limit; a long error keeps its start (usually the useful part).
 */
function errorBlock(message: string, title = 'Error'): string {
  const label = `*${title}*\n`
  if (message.trim() === '') return `${label}_(the job failed without an error message)_`
  const fences = '```'
  const body = fitEscaped(message, SLACK_LIMITS.sectionText, { reserved: label.length + 2 * fences.length })
  return `${label}${fences}${neutralizeBackticks(body)}${fences}`
}

/** The same field in every message about a streak, so an alert and its reminders compare at a glance. */
function streakField(event: { consecutive_failure_count: number; threshold: number }): MrkdwnTextObject {
  return field('Failures in a row', `${event.consecutive_failure_count} (alert threshold ${event.threshold})`)
}

/** `value` is ours (numbers, dates, durations): only the label is added. */
function field(label: string, value: string): MrkdwnTextObject {
  return mrkdwn(`*${label}*\n${value}`)
}

/** A value the job controls, as a code span so markup in it stays literal. */
function codeField(label: string, value: string): MrkdwnTextObject {
  const prefix = `*${label}*\n\``
  const body = fitEscaped(value, SLACK_LIMITS.fieldText, { reserved: prefix.length + 1, marker: 'short' })
  return mrkdwn(`${prefix}${neutralizeBackticks(body)}\``)
}

function lastSuccess(at: string | null): ContextBlock {
  return {
    type: 'context',
    elements: [mrkdwn(`Last successful run: ${at === null ? '*never*' : slackDate(at)}`)],
  }
}

/**
 * The top-level text: the only thing a push notification shows. Job-controlled parts are
 * escaped and the whole line is cut to a notification-sized length.
 */
function fallback(before: string, jobName: string, middle: string, detail = ''): string {
  const name = fitEscaped(jobName, 200, { marker: 'short' })
  const rest = fitEscaped(detail, SLACK_LIMITS.notificationText, {
    reserved: before.length + name.length + middle.length,
    marker: 'short',
  })
  return `${before}${name}${middle}${rest}`
}

function mrkdwn(text: string): MrkdwnTextObject {
  return { type: 'mrkdwn', text }
}
