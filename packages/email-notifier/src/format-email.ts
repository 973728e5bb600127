import type { AlertEvent, AlertEventOf } from '@cronwarden/core'
import {
  byEventType,
  codePointPrefix,
  counted,
  displayText,
  escapeHtml,
  formatDuration,
  readUnknownEvent,
  unknownEventSentence,
  utcTime,
} from '@cronwarden/core/plugin'
import { headerText } from './format-values.js'
import { replyIds, rootIds, standaloneIds, type ThreadIds } from './thread-ids.js'

/** Options of `formatEmail`; every one may be left out. */
export interface FormatEmailOptions {
  /** Put before every subject, e.g. `[cron]`. */
  subjectPrefix?: string
  /** Domain of the Message-IDs. Default `cronwarden.invalid`; the notifier uses the `from` domain. */
  messageIdDomain?: string
}

/** One alert event rendered as an email, ready for any mail API. */
export interface FormattedEmail {
  /**
   * One line: `subjectPrefix`, then the job and what happened. Line breaks and other control
   * characters become spaces; at most 998 characters.
   */
  subject: string
  /** The plain-text body: summary, error (cut after 10,000 characters), details; times in UTC. */
  text: string
  /** A complete HTML document with the same facts as `text`, every value from the event escaped. */
  html: string
  /**
   * `Message-ID`, threading (`In-Reply-To`, `References`), `X-Cronwarden-*` headers naming the
   * job, run and event, and `Auto-Submitted` so auto-responders do not answer an alert.
   */
  headers: Record<string, string>
}

/**
 * The Message-ID domain `formatEmail` uses when given none. `.invalid` is reserved (RFC 2606),
 * so it names no real host; `createEmailNotifier` uses the domain of `from` instead.
 */
export const DEFAULT_MESSAGE_ID_DOMAIN = 'cronwarden.invalid'

/** Under the first alert of a streak, whichever event it is: the reader wonders what comes next. */
const STREAK_NOTE =
  'This is the only alert for this streak: later failures are recorded in the execution log, and alerted again only as "still failing" reminders when realertEveryMs is set.'

/** A stack trace or a response body can be huge; an alert needs its start. */
const MAX_ERROR_CHARS = 10_000

/** What one email says, before it is rendered as text and as HTML. */
interface EmailContent {
  subject: string
  summary: string
  error: string | null
  rows: ReadonlyArray<readonly [label: string, value: string]>
  note: string | null
  thread: ThreadIds
  /** For the `X-Cronwarden-*` headers. */
  event: { type: string; job: string; runId: string }
}

/**
 * Renders one alert event as an email. Pure: the same event and options always give the same
 * email, Message-ID included, which is what lets separate processes thread one incident.
 */
export function formatEmail(event: AlertEvent, options: FormatEmailOptions = {}): FormattedEmail {
  const domain = options.messageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN
  const content = describeEvent(event, domain)
  const prefix = headerText(options.subjectPrefix ?? '')
  const subject = headerText(prefix ? `${prefix} ${content.subject}` : content.subject, 998)
  // Every text from the event, a field of an unknown event type included, passes through the
  // bodies: bidi controls and lone surrogates become U+FFFD there, whatever their source.
  return {
    subject,
    text: displayText(renderText(content)),
    html: displayText(renderHtml(content, subject)),
    headers: renderHeaders(content),
  }
}

// Compile time: a new event type in core must be handled here. Run time: events are data from
// a wire or a table, so a newer sender's type still gets a readable email.
const describeEvent = byEventType<EmailContent, [domain: string]>(
  {
    consecutive_failures: describeFailures,
    long_running: describeLongRun,
    recovered: describeRecovery,
    missed_run: describeMissedRun,
    still_failing: describeStillFailing,
  },
  describeUnknown,
)

function describeFailures(event: AlertEventOf<'consecutive_failures'>, domain: string): EmailContent {
  const job = event.job_name
  return {
    subject: `${job} failed ${event.consecutive_failure_count} times in a row`,
    summary: `The job "${job}" failed ${event.consecutive_failure_count} times in a row (alert threshold: ${event.threshold}).`,
    error: event.error_message,
    rows: [
      ['Job', job],
      ['Failures in a row', String(event.consecutive_failure_count)],
      ['Failing since', utcTime(event.down_since)],
      ['Last success', event.last_success_at === null ? 'never' : utcTime(event.last_success_at)],
      ['Run id', event.run_id],
      ['Started at', utcTime(event.started_at)],
      ['Duration', formatDuration(event.duration_ms)],
    ],
    note: STREAK_NOTE,
    event: { type: event.type, job, runId: event.run_id },
    thread: rootIds(job, event.down_since, domain),
  }
}

function describeLongRun(event: AlertEventOf<'long_running'>, domain: string): EmailContent {
  const job = event.job_name
  return {
    subject: `${job} is still running after ${formatDuration(event.running_for_ms)}`,
    summary: `A run of "${job}" has been running for ${formatDuration(event.running_for_ms)}, longer than its limit of ${formatDuration(event.max_runtime_ms)}. It has not finished yet.`,
    error: null,
    rows: [
      ['Job', job],
      ['Running for', formatDuration(event.running_for_ms)],
      ['Limit', formatDuration(event.max_runtime_ms)],
      ['Run id', event.run_id],
      ['Started at', utcTime(event.started_at)],
      ['Last success', event.last_success_at === null ? 'never' : utcTime(event.last_success_at)],
    ],
    note: null,
    event: { type: event.type, job, runId: event.run_id },
    thread: standaloneIds(['long_running', job, event.run_id], domain),
  }
}

function describeRecovery(event: AlertEventOf<'recovered'>, domain: string): EmailContent {
  const job = event.job_name
  const downFor = Date.parse(event.last_success_at) - Date.parse(event.down_since)
  return {
    subject: `${job} recovered after ${counted(event.failures_in_streak, 'failure')}`,
    summary: `The job "${job}" succeeded again after ${counted(event.failures_in_streak, 'consecutive failure')}.`,
    error: null,
    rows: [
      ['Job', job],
      ['Failures in the streak', String(event.failures_in_streak)],
      ['Failing since', utcTime(event.down_since)],
      ['Succeeded at', utcTime(event.last_success_at)],
      ['Down for', formatDuration(downFor)],
      ['Run id', event.run_id],
    ],
    note: null,
    event: { type: event.type, job, runId: event.run_id },
    thread: replyIds(job, event.down_since, ['recovered', event.run_id], domain),
  }
}

function describeMissedRun(event: AlertEventOf<'missed_run'>, domain: string): EmailContent {
  const job = event.job_name
  const streak = counted(event.consecutive_failure_count, 'failure')
  return {
    subject: `${job} did not run at ${utcTime(event.expected_at)}`,
    summary: `No run of "${job}" started at its scheduled time ${utcTime(event.expected_at)} (schedule "${event.schedule}", ${event.timezone}, grace ${formatDuration(event.grace_ms)}). That makes ${streak} in a row (alert threshold: ${event.threshold}).`,
    error: null,
    rows: [
      ['Job', job],
      ['Scheduled at', utcTime(event.expected_at)],
      ['Schedule', `${event.schedule} (${event.timezone})`],
      ['Failures in a row', String(event.consecutive_failure_count)],
      // The streak may have begun with a failed run, before any missed time.
      ['Failing since', utcTime(event.down_since)],
      ['Last run', event.last_run_at === null ? 'never' : utcTime(event.last_run_at)],
      ['Last success', event.last_success_at === null ? 'never' : utcTime(event.last_success_at)],
      ['Run id', event.run_id],
    ],
    note: STREAK_NOTE,
    event: { type: event.type, job, runId: event.run_id },
    // Sent once per streak, when it reaches the threshold: the incident's first alert, as a
    // consecutive_failures event would have been.
    thread: rootIds(job, event.down_since, domain),
  }
}

function describeStillFailing(event: AlertEventOf<'still_failing'>, domain: string): EmailContent {
  const job = event.job_name
  const streak = counted(event.consecutive_failure_count, 'failure')
  return {
    subject: `Still failing: ${job} (${streak} in a row)`,
    summary: `The job "${job}" is still failing: ${streak} in a row since ${utcTime(event.down_since)}, down for ${formatDuration(event.down_for_ms)}.`,
    error: event.error_message,
    rows: [
      ['Job', job],
      ['Failures in a row', `${event.consecutive_failure_count} (alert threshold ${event.threshold})`],
      ['Failing since', utcTime(event.down_since)],
      ['Down for', formatDuration(event.down_for_ms)],
      ['Last success', event.last_success_at === null ? 'never' : utcTime(event.last_success_at)],
      ['Run id', event.run_id],
    ],
    note: `A reminder, at most one every ${formatDuration(event.realert_every_ms)} (realertEveryMs) while the job keeps failing.`,
    event: { type: event.type, job, runId: event.run_id },
    // A reply to the incident's first alert, like the recovery: same job, same down_since.
    thread: replyIds(job, event.down_since, ['still_failing', event.run_id], domain),
  }
}

function describeUnknown(value: unknown, domain: string): EmailContent {
  const event = readUnknownEvent(value)
  const { type, jobName: job, downSince } = event
  const runId = event.runId ?? ''
  return {
    subject: `${job}: ${type}`,
    summary: `${unknownEventSentence(event, '@cronwarden/email-notifier')} Its fields:`,
    error: null,
    rows: event.fields,
    note: null,
    event: { type, job, runId },
    thread: downSince
      ? replyIds(job, downSince, [type, runId], domain)
      : standaloneIds([type, job, runId, event.occurredAt ?? ''], domain),
  }
}

function truncatedError(error: string): string {
  if (error.length <= MAX_ERROR_CHARS) return error
  const kept = codePointPrefix(error, MAX_ERROR_CHARS)
  return `${kept}\n… (${error.length - kept.length} more characters in the execution log)`
}

function renderText(content: EmailContent): string {
  const width = Math.max(...content.rows.map(([label]) => label.length))
  const lines = [content.summary, '']
  if (content.error !== null) lines.push('Error:', truncatedError(content.error), '')
  for (const [label, value] of content.rows) lines.push(`${`${label}:`.padEnd(width + 2)}${value}`)
  if (content.note) lines.push('', content.note)
  lines.push('', '-- ', 'Sent by cronwarden')
  return `${lines.join('\n')}\n`
}

function renderHtml(content: EmailContent, subject: string): string {
  const rows = content.rows
    .map(
      ([label, value]) =>
        `<tr><th align="left" style="padding:4px 16px 4px 0;font-weight:600;vertical-align:top">${escapeHtml(label)}</th>` +
        `<td style="padding:4px 0;vertical-align:top">${escapeHtml(value)}</td></tr>`,
    )
    .join('\n')
  const error =
    content.error === null
      ? ''
      : `<pre style="white-space:pre-wrap;word-break:break-word;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:12px;font-size:13px">${escapeHtml(truncatedError(content.error))}</pre>\n`
  const note = content.note ? `<p style="color:#59636e">${escapeHtml(content.note)}</p>\n` : ''
  return [
    '<!doctype html>',
    '<html>',
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328">',
    `<p style="font-size:16px"><strong>${escapeHtml(content.summary)}</strong></p>`,
    `${error}<table style="border-collapse:collapse">\n${rows}\n</table>`,
    `${note}<p style="color:#59636e;font-size:12px">Sent by cronwarden</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

function renderHeaders({ thread, event }: EmailContent): Record<string, string> {
  const headers: Record<string, string> = { 'Message-ID': thread.messageId }
  if (thread.inReplyTo) {
    headers['In-Reply-To'] = thread.inReplyTo
    headers.References = thread.inReplyTo
  }
  headers['X-Cronwarden-Event'] = headerText(event.type)
  headers['X-Cronwarden-Job'] = headerText(event.job)
  headers['X-Cronwarden-Run-Id'] = headerText(event.runId)
  if (thread.incident) headers['X-Cronwarden-Incident'] = thread.incident
  // RFC 3834: out-of-office and other auto-responders must not answer an automatic alert;
  // the second header is what Exchange reads for the same purpose.
  headers['Auto-Submitted'] = 'auto-generated'
  headers['X-Auto-Response-Suppress'] = 'All'
  return headers
}
