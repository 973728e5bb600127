import { describe, expect, it } from 'vitest'
import { MAX_UNKNOWN_EVENT_FIELDS, readUnknownEvent, unknownEventSentence } from './unknown-event.js'

describe('readUnknownEvent', () => {
  it('reads the type, the job, the keys and every plainly named field as one line of text', () => {
    const event = readUnknownEvent({
      type: 'quota_exceeded',
      job_name: 'reminders\ndaily',
      run_id: 'run-9',
      down_since: '2026-11-30T06:00:00.000Z',
      used: 120,
      detail: { note: 'a\u202Eb' },
    })
    expect(event).toEqual({
      type: 'quota_exceeded',
      jobName: 'reminders daily',
      runId: 'run-9',
      downSince: '2026-11-30T06:00:00.000Z',
      occurredAt: null,
      fields: [
        ['type', 'quota_exceeded'],
        ['job_name', 'reminders daily'],
        ['run_id', 'run-9'],
        ['down_since', '2026-11-30T06:00:00.000Z'],
        ['used', '120'],
        ['detail', '{"note":"a\uFFFDb"}'],
      ],
      omittedFields: 0,
    })
    expect(unknownEventSentence(event, '@cronwarden/slack-notifier')).toBe(
      'cronwarden sent a "quota_exceeded" event about "reminders daily", a type this version of @cronwarden/slack-notifier does not know.',
    )
  })

  it('shows at most ten fields, leaves out names that are not plain labels, and counts both', () => {
    const wide = Object.fromEntries(Array.from({ length: 14 }, (_, index) => [`f${index}`, index]))
    const event = readUnknownEvent({ ...wide, '*bold* <!here>': 'x' })
    expect(event.fields).toHaveLength(MAX_UNKNOWN_EVENT_FIELDS)
    expect(event.fields.map(([label]) => label)).not.toContain('*bold* <!here>')
    expect(event.omittedFields).toBe(5)
    expect(unknownEventSentence(event, 'x')).toMatch(/does not know\. 5 fields not shown\.$/)
  })

  it('clips long values and types, and never throws on what is not a plain event', () => {
    const long = readUnknownEvent({ type: 't'.repeat(500), note: 'n'.repeat(5_000), big: 10n })
    expect(long.type.length).toBeLessThanOrEqual(64)
    expect(long.fields.find(([label]) => label === 'note')?.[1].length).toBeLessThanOrEqual(1_000)
    expect(long.fields.find(([label]) => label === 'big')).toEqual(['big', '10'])
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap')
        },
      },
    )
    for (const value of [null, undefined, 'text', 42, hostile, { type: '', job_name: '' }]) {
      expect(readUnknownEvent(value)).toMatchObject({ type: 'unknown', jobName: 'unknown job' })
    }
  })
})
