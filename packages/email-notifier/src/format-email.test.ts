import type { AlertEvent } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { everyEvent } from '../../../test-support/sample-events.js'
import { formatEmail } from './format-email.js'
import { incidentMessageId } from './thread-ids.js'

const [failuresEvent, longRunningEvent, recoveredEvent, missedRunEvent, stillFailingEvent] = everyEvent

const domain = { messageIdDomain: 'example.org' }
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/

describe('formatEmail', () => {
  it('says in the subject which job failed and how many times in a row', () => {
    expect(formatEmail(failuresEvent).subject).toBe('assignment-reminders failed 2 times in a row')
  })

  it('puts the error, failure count, last success, run id, start time and duration in the text body', () => {
    const { text } = formatEmail(failuresEvent)
    expect(text).toContain('connect ECONNREFUSED 10.0.0.5:5432')
    expect(text).toMatch(/Failures in a row: +2\n/)
    expect(text).toMatch(/Last success: +2026-11-26 03:00:04 UTC\n/)
    expect(text).toMatch(/Failing since: +2026-11-27 03:00:00 UTC\n/)
    expect(text).toMatch(/Run id: +run-2\n/)
    expect(text).toMatch(/Started at: +2026-11-28 03:00:00 UTC\n/)
    expect(text).toMatch(/Duration: +5.0 s\n/)
  })

  it('carries the same facts in the HTML body', () => {
    const { html } = formatEmail(failuresEvent)
    expect(html).toContain('connect ECONNREFUSED 10.0.0.5:5432')
    expect(html).toContain(
      '<th align="left" style="padding:4px 16px 4px 0;font-weight:600;vertical-align:top">Last success</th>',
    )
    expect(html).toContain('2026-11-26 03:00:04 UTC')
    expect(html).toContain('run-2')
    expect(html).toContain('5.0 s')
  })

  it('says "never" when the job has not succeeded yet', () => {
    expect(formatEmail({ ...failuresEvent, last_success_at: null }).text).toMatch(/Last success: +never\n/)
  })

  it('escapes markup in the error message, so it renders as text in the HTML body', () => {
    const hostile = {
      ...failuresEvent,
      error_message: '<script>alert("x")</script><img src=x onerror=1> & <b>bold</b>',
    }
    const { html, text } = formatEmail(hostile)
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>')
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=1&gt; &amp; &lt;b&gt;bold&lt;/b&gt;',
    )
    expect(text).toContain(hostile.error_message)
  })

  it('escapes markup in the job name too', () => {
    const { html } = formatEmail({ ...failuresEvent, job_name: '<i>reminders</i>' })
    expect(html).not.toContain('<i>')
    expect(html).toContain('&lt;i&gt;reminders&lt;/i&gt;')
  })

  it('cuts a huge error message and says how much was left out', () => {
    const { text, html } = formatEmail({ ...failuresEvent, error_message: 'x'.repeat(25_000) })
    expect(text).toContain('… (15000 more characters in the execution log)')
    expect(text.length).toBeLessThan(11_000)
    expect(html).toContain('… (15000 more characters in the execution log)')
  })

  it('describes a long run with how long it has run and its limit', () => {
    const email = formatEmail(longRunningEvent)
    expect(email.subject).toBe('assignment-reminders is still running after 30 min')
    expect(email.text).toMatch(/Running for: +30 min\n/)
    expect(email.text).toMatch(/Limit: +30 min\n/)
    expect(email.text).toMatch(/Started at: +2026-11-28 03:00:00 UTC\n/)
    expect(email.text).toContain(longRunningEvent.run_id)
  })

  it('describes a recovery with the streak length and how long the job was down', () => {
    const email = formatEmail(recoveredEvent)
    expect(email.subject).toBe('assignment-reminders recovered after 3 failures')
    expect(email.text).toMatch(/Failing since: +2026-11-27 03:00:00 UTC\n/)
    expect(email.text).toMatch(/Succeeded at: +2026-11-29 03:00:03 UTC\n/)
    expect(email.text).toMatch(/Down for: +2 d\n/)
  })

  it('describes a missed run with its schedule, the last run and the streak it completed', () => {
    const email = formatEmail(missedRunEvent)
    expect(email.subject).toBe('assignment-reminders did not run at 2026-11-30 03:00:00 UTC')
    expect(email.text).toContain('That makes 1 failure in a row (alert threshold: 1).')
    expect(email.text).toMatch(/Schedule: +0 3 \* \* \* \(Europe\/Paris\)\n/)
    expect(email.text).toMatch(/Failures in a row: +1\n/)
    expect(email.text).toMatch(/Failing since: +2026-11-30 03:00:00 UTC\n/)
    expect(email.text).toMatch(/Last run: +2026-11-29 03:00:00 UTC\n/)
  })

  it('describes a still_failing reminder: the count, since when, for how long, and the latest error', () => {
    const email = formatEmail(stillFailingEvent)
    expect(email.subject).toBe('Still failing: assignment-reminders (3 failures in a row)')
    expect(email.text).toContain(
      'The job "assignment-reminders" is still failing: 3 failures in a row since 2026-11-27 03:00:00 UTC, down for 1 d 12 h.',
    )
    expect(email.text).toContain('Error:\nconnect ECONNREFUSED 10.0.0.5:5432\n')
    expect(email.text).toMatch(/Failures in a row: +3 \(alert threshold 2\)\n/)
    expect(email.text).toMatch(/Failing since: +2026-11-27 03:00:00 UTC\n/)
    expect(email.text).toMatch(/Down for: +1 d 12 h\n/)
    expect(email.text).toContain('at most one every 6 h')
    expect(email.headers['X-Cronwarden-Event']).toBe('still_failing')
  })

  it('escapes markup in the latest error of a reminder', () => {
    const { html } = formatEmail({ ...stillFailingEvent, error_message: '<img src=x onerror=1> & <b>x</b>' })
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=1&gt; &amp; &lt;b&gt;x&lt;/b&gt;')
  })

  it('puts the subject prefix before the subject', () => {
    expect(formatEmail(failuresEvent, { subjectPrefix: '[cron]' }).subject).toBe(
      '[cron] assignment-reminders failed 2 times in a row',
    )
  })

  it('names the job, run and event in custom headers and asks auto-responders to stay quiet', () => {
    expect(formatEmail(failuresEvent, domain).headers).toMatchObject({
      'X-Cronwarden-Event': 'consecutive_failures',
      'X-Cronwarden-Job': 'assignment-reminders',
      'X-Cronwarden-Run-Id': failuresEvent.run_id,
      'Auto-Submitted': 'auto-generated',
    })
  })

  it('keeps line breaks in a job name out of the subject and headers', () => {
    const email = formatEmail({ ...failuresEvent, job_name: 'reminders\r\nBcc: victim@example.net' })
    expect(email.subject).toBe('reminders Bcc: victim@example.net failed 2 times in a row')
    for (const value of Object.values(email.headers)) expect(value).not.toMatch(/[\r\n]/)
  })

  it('neutralises bidirectional controls and lone surrogates in the subject, both bodies and the headers', () => {
    const email = formatEmail({
      ...failuresEvent,
      job_name: 'invoices\u202Efdp.exe\uDC00',
      run_id: 'run-\u2066x\u2069',
      error_message: 'half an emoji \uD83D and \u200Fmarks\u061C',
    })
    expect(email.subject).toBe('invoices\uFFFDfdp.exe\uFFFD failed 2 times in a row')
    expect(email.text).toContain('half an emoji \uFFFD and \uFFFDmarks\uFFFD')
    for (const text of [email.subject, email.text, email.html, ...Object.values(email.headers)]) {
      expect(text).not.toMatch(BIDI_CONTROL)
      expect(text).not.toMatch(LONE_SURROGATE)
    }
  })

  it('neutralises them in the fields of an event type it does not know', () => {
    const future = { type: 'quota_exceeded', job_name: 'reminders', detail: { note: 'a\u202Eb' } }
    const { text, html } = formatEmail(future as unknown as AlertEvent)
    for (const body of [text, html]) expect(body).not.toMatch(BIDI_CONTROL)
  })

  it('keeps a line separator in a job name out of the subject', () => {
    expect(formatEmail({ ...failuresEvent, job_name: 'a\u2028b\u0085c' }).subject).toBe('a b c failed 2 times in a row')
  })

  it('never cuts a character in half when shortening the subject or the error', () => {
    const email = formatEmail({ ...failuresEvent, job_name: '🚀'.repeat(600), error_message: `x${'🚀'.repeat(6_000)}` })
    for (const text of [email.subject, email.text, email.html]) {
      expect(text).not.toMatch(LONE_SURROGATE)
      expect(text).not.toContain('\uFFFD')
    }
    expect(email.subject.length).toBeLessThanOrEqual(998)
  })

  it('renders an event type it does not know instead of failing, listing its fields', () => {
    const future = { type: 'quota_exceeded', job_name: 'reminders', run_id: 'run-9', used: 120 }
    const email = formatEmail(future as unknown as AlertEvent)
    expect(email.subject).toBe('reminders: quota_exceeded')
    expect(email.text).toMatch(/used: +120\n/)
    expect(email.headers['X-Cronwarden-Event']).toBe('quota_exceeded')
    expect(email.headers['Message-ID']).toMatch(/^<[0-9a-f]{32}@cronwarden\.invalid>$/)
  })

  it('renders even a value that is not an event object', () => {
    expect(formatEmail(null as unknown as AlertEvent).subject).toBe('unknown job: unknown')
  })
})

describe('formatEmail threading', () => {
  it('gives the first alert of a streak a Message-ID derived from the job and down_since alone', () => {
    const first = formatEmail(failuresEvent, domain)
    const again = formatEmail(
      { ...failuresEvent, run_id: 'another-process', occurred_at: '2026-01-05T07:00:00.000Z' },
      domain,
    )
    expect(first.headers['Message-ID']).toMatch(/^<incident\.[0-9a-f]{32}@example\.org>$/)
    expect(again.headers['Message-ID']).toBe(first.headers['Message-ID'])
    expect(first.headers['In-Reply-To']).toBeUndefined()
  })

  it('threads the recovery under the failure alert of the same streak', () => {
    const root = formatEmail(failuresEvent, domain).headers['Message-ID']
    const reply = formatEmail(recoveredEvent, domain).headers
    expect(reply['In-Reply-To']).toBe(root)
    expect(reply.References).toBe(root)
    expect(reply['Message-ID']).not.toBe(root)
    expect(reply['X-Cronwarden-Incident']).toBe(formatEmail(failuresEvent, domain).headers['X-Cronwarden-Incident'])
  })

  it('keeps one incident when down_since is written with another offset', () => {
    const offset = formatEmail({ ...recoveredEvent, down_since: '2026-11-27T04:00:00.000+01:00' }, domain)
    expect(offset.headers['In-Reply-To']).toBe(formatEmail(failuresEvent, domain).headers['Message-ID'])
  })

  it('starts a new thread for a new streak of the same job', () => {
    const next = formatEmail({ ...failuresEvent, down_since: '2026-01-09T06:00:00.000Z' }, domain)
    expect(next.headers['Message-ID']).not.toBe(formatEmail(failuresEvent, domain).headers['Message-ID'])
  })

  it('threads a still_failing reminder under the alert of its incident, as a recovery is', () => {
    const root = formatEmail(failuresEvent, domain).headers
    const reminder = formatEmail(stillFailingEvent, domain).headers
    expect(reminder['In-Reply-To']).toBe(root['Message-ID'])
    expect(reminder.References).toBe(root['Message-ID'])
    expect(reminder['X-Cronwarden-Incident']).toBe(root['X-Cronwarden-Incident'])
    expect(reminder['Message-ID']).not.toBe(root['Message-ID'])
    expect(reminder['Message-ID']).not.toBe(formatEmail(recoveredEvent, domain).headers['Message-ID'])
    // Each reminder is a message of its own; a redelivered one keeps its id.
    const next = formatEmail(
      { ...stillFailingEvent, run_id: 'later-run', consecutive_failure_count: 5 },
      domain,
    ).headers
    expect(next['Message-ID']).not.toBe(reminder['Message-ID'])
    expect(formatEmail(stillFailingEvent, domain).headers['Message-ID']).toBe(reminder['Message-ID'])
  })

  it('makes a missed run that alerts the root of its incident, even when the streak began with a failed run', () => {
    const alert = formatEmail(missedRunEvent, domain).headers
    expect(alert['In-Reply-To']).toBeUndefined()
    expect(alert['Message-ID']).toBe(
      incidentMessageId(missedRunEvent.job_name, missedRunEvent.down_since, 'example.org'),
    )
    const reminder = formatEmail({ ...stillFailingEvent, down_since: missedRunEvent.down_since }, domain).headers
    expect(reminder['In-Reply-To']).toBe(alert['Message-ID'])
  })

  it('sends a long run on its own, outside any thread', () => {
    const headers = formatEmail(longRunningEvent, domain).headers
    expect(headers['In-Reply-To']).toBeUndefined()
    expect(headers['X-Cronwarden-Incident']).toBeUndefined()
    expect(headers['Message-ID']).toMatch(/@example\.org>$/)
  })
})
