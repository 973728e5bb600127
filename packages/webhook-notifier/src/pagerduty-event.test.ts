import { describe, expect, it } from 'vitest'
import { everyEvent, futureEvent } from '../../../test-support/sample-events.js'
import { HOSTILE_TEXTS, LONE_SURROGATE } from '../test/markup.js'
import { pagerDutyEventSchema } from '../test/vendor-schemas.js'
import { formatPagerDutyEvent, pagerDutyDedupKey } from './pagerduty-event.js'

const [failuresEvent, longRunningEvent, recoveredEvent, missedRunEvent, stillFailingEvent] = everyEvent

const routingKey = 'R0UT1NGKEYsecret0123456789abcdef'

describe('formatPagerDutyEvent', () => {
  it('triggers an alert for a consecutive_failures event, keyed by its streak', () => {
    expect(formatPagerDutyEvent(failuresEvent, { routingKey })).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: 'cronwarden/assignment-reminders/2026-11-27T03:00:00.000Z',
      client: 'cronwarden',
      payload: {
        summary: 'assignment-reminders failed 2 times in a row: connect ECONNREFUSED 10.0.0.5:5432',
        source: 'cronwarden',
        severity: 'error',
        timestamp: '2026-11-28T03:00:05.000Z',
        component: 'assignment-reminders',
        class: 'consecutive_failures',
        custom_details: failuresEvent,
      },
    })
  })

  it('triggers an event type it does not know within the incident of the streak it names', () => {
    const body = formatPagerDutyEvent(futureEvent, { routingKey })
    expect(pagerDutyEventSchema.safeParse(body).error).toBeUndefined()
    expect(body).toMatchObject({
      event_action: 'trigger',
      dedup_key: pagerDutyDedupKey(failuresEvent),
      payload: {
        summary:
          'assignment-reminders had a "quota_exceeded" event: a type this version of @cronwarden/webhook-notifier does not know',
        severity: 'warning',
        class: 'quota_exceeded',
        custom_details: futureEvent,
      },
    })
  })

  it('resolves the alert of the streak a recovered event ends', () => {
    expect(formatPagerDutyEvent(recoveredEvent, { routingKey })).toEqual({
      routing_key: routingKey,
      event_action: 'resolve',
      dedup_key: pagerDutyDedupKey(failuresEvent),
    })
  })

  it('triggers a still_failing reminder with the dedup_key of the incident its alert opened', () => {
    expect(formatPagerDutyEvent(stillFailingEvent, { routingKey })).toEqual({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: pagerDutyDedupKey(failuresEvent),
      client: 'cronwarden',
      payload: {
        summary:
          'assignment-reminders still failing: 3 in a row since 2026-11-27 03:00:00 UTC (1 d 12 h): connect ECONNREFUSED 10.0.0.5:5432',
        source: 'cronwarden',
        severity: 'error',
        timestamp: '2026-11-28T15:00:05.000Z',
        component: 'assignment-reminders',
        class: 'still_failing',
        custom_details: stillFailingEvent,
      },
    })
  })

  it('summarises a missed run with the streak it completed', () => {
    const body = formatPagerDutyEvent(missedRunEvent, { routingKey })
    expect(body.event_action === 'trigger' && body.payload.summary).toBe(
      'assignment-reminders missed its scheduled run: at 2026-11-30 03:00:00 UTC, 1 failure in a row (threshold 1)',
    )
  })

  it('keys a long run by its run, and a missed run by its streak', () => {
    expect(pagerDutyDedupKey(longRunningEvent)).toBe('cronwarden/assignment-reminders/run/run-3')
    expect(pagerDutyDedupKey(missedRunEvent)).toBe('cronwarden/assignment-reminders/2026-11-30T03:00:00.000Z')
  })

  it('uses the severity and source given, and the defaults for the other types', () => {
    const options = { routingKey, severity: { consecutive_failures: 'critical' as const }, source: 'reminder-worker' }
    const severities = everyEvent.map((event) => {
      const body = formatPagerDutyEvent(event, options)
      return body.event_action === 'trigger' ? [body.payload.severity, body.payload.source] : body.event_action
    })
    expect(severities).toEqual([
      ['critical', 'reminder-worker'],
      ['warning', 'reminder-worker'],
      'resolve',
      ['error', 'reminder-worker'],
      ['error', 'reminder-worker'],
    ])
  })

  it('gives one key for one streak however its time is written', () => {
    expect(pagerDutyDedupKey({ ...failuresEvent, down_since: '2026-11-27T04:00:00+01:00' })).toBe(
      pagerDutyDedupKey(failuresEvent),
    )
  })

  it('hashes a key that would pass 255 characters, the same every time', () => {
    const event = { ...failuresEvent, job_name: 'j'.repeat(300) }
    const key = pagerDutyDedupKey(event)
    expect(key).toMatch(/^cronwarden\/sha256\/[0-9a-f]{64}$/)
    expect(pagerDutyDedupKey({ ...event })).toBe(key)
    expect(pagerDutyDedupKey({ ...event, job_name: 'k'.repeat(300) })).not.toBe(key)
  })

  it.each(HOSTILE_TEXTS.map((text) => [text.slice(0, 40), text]))(
    'keeps to the Events API with hostile text: %j',
    (_name, text) => {
      const body = formatPagerDutyEvent(
        { ...failuresEvent, job_name: text, error_message: text, run_id: text },
        { routingKey },
      )
      pagerDutyEventSchema.parse(body)
      expect(JSON.stringify(body)).not.toMatch(LONE_SURROGATE)
      if (body.event_action === 'trigger') expect(body.payload.summary).not.toMatch(/[\n\r]/)
    },
  )
})
