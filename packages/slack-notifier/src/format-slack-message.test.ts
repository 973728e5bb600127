import type { AlertEvent } from '@cronwarden/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { everyEvent, futureEvent } from '../../../test-support/sample-events.js'
import { slackMessageSchema, visibleTexts } from '../test/slack-message-schema.js'
import { formatSlackMessage } from './format-slack-message.js'
import type { SectionBlock, SlackMessage } from './slack-message.js'

const [failuresEvent, longRunningEvent, recoveredEvent, missedRunEvent, stillFailingEvent] = everyEvent

const allEvents: readonly AlertEvent[] = everyEvent

const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/
// A header is one line: no control character, no line or paragraph separator.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent.
const LINE_BREAKING = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/

/** Slack date tokens are the only markup the formatter itself writes with `<` and `>`. */
const OWN_DATE_TOKEN = /<!date\^\d+\^\{date_short_pretty\} at \{time_secs\}\|[\d :-]+ UTC>/g

function expectNoLiveMarkup(message: SlackMessage) {
  for (const text of visibleTexts(message)) {
    const withoutOwnTokens = text.replace(OWN_DATE_TOKEN, '')
    expect(withoutOwnTokens).not.toMatch(/[<>]/)
    // Every ampersand starts one of the three entities, so none can start a different one.
    expect(withoutOwnTokens.replace(/&(amp|lt|gt);/g, '')).not.toContain('&')
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
    expect(text).not.toMatch(BIDI_CONTROL)
  }
  expect(headerText(message)).not.toMatch(LINE_BREAKING)
}

function headerText(message: SlackMessage): string {
  const header = message.blocks[0]
  if (header?.type !== 'header') throw new Error('no header block')
  return header.text.text
}

function section(message: SlackMessage): SectionBlock {
  const block = message.blocks.find((candidate) => candidate.type === 'section')
  if (block?.type !== 'section') throw new Error('no section block')
  return block
}

function errorBody(message: SlackMessage): string {
  const text = section(message).text?.text ?? ''
  const match = /^\*(?:Latest e|E)rror\*\n```([\s\S]*)```$/.exec(text)
  if (!match) throw new Error(`not an error code block: ${text}`)
  return match[1] ?? ''
}

describe('formatSlackMessage', () => {
  it.each(allEvents.map((event) => [event.type, event] as const))(
    'lays out a %s event within every Slack limit',
    (_type, event) => {
      const message = formatSlackMessage(event)
      expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
      expect(message.blocks[0]).toMatchObject({ type: 'header' })
      expect(message.text).toContain('assignment-reminders')
    },
  )

  it('puts the error in a code block with the count, run id, duration, start and last success', () => {
    const message = formatSlackMessage(failuresEvent)
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 assignment-reminders failed 2 times in a row', emoji: true },
    })
    expect(errorBody(message)).toBe('connect ECONNREFUSED 10.0.0.5:5432')
    const fields = section(message).fields?.map((field) => field.text)
    expect(fields).toContain('*Failures in a row*\n2 (alert threshold 2)')
    expect(fields).toContain('*Run id*\n`run-2`')
    expect(fields).toContain('*Duration*\n5.0 s')
    expect(fields).toContain('*Started*\n<!date^1795834800^{date_short_pretty} at {time_secs}|2026-11-28 03:00:00 UTC>')
    expect(message.blocks[2]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Last successful run: <!date^1795662004^{date_short_pretty} at {time_secs}|2026-11-26 03:00:04 UTC>',
        },
      ],
    })
    expect(message.text).toBe('🔴 assignment-reminders failed 2 times in a row: connect ECONNREFUSED 10.0.0.5:5432')
  })

  it('says "never" when the job never succeeded', () => {
    const message = formatSlackMessage({ ...failuresEvent, last_success_at: null })
    expect(message.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'Last successful run: *never*' }],
    })
  })

  it('uses the singular for a single failure', () => {
    const message = formatSlackMessage({ ...failuresEvent, consecutive_failure_count: 1, threshold: 1 })
    expect(message.text).toMatch(/failed 1 time in a row/)
  })

  it('shows an empty error message as a note instead of an empty code block', () => {
    const message = formatSlackMessage({ ...failuresEvent, error_message: '  ' })
    expect(section(message).text?.text).toBe('*Error*\n_(the job failed without an error message)_')
  })

  it('keeps only the first line of a multi-line error in the notification text', () => {
    const message = formatSlackMessage({ ...failuresEvent, error_message: 'first line\n    at stack frame' })
    expect(message.text).toBe('🔴 assignment-reminders failed 2 times in a row: first line …')
    expect(errorBody(message)).toBe('first line\n    at stack frame')
  })

  it('escapes mentions, links and ampersands so nobody is pinged', () => {
    const hostile = 'boom <!channel> <@U123> <https://evil.example|click> & <!here>'
    const message = formatSlackMessage({
      ...failuresEvent,
      job_name: 'job <!everyone> & co',
      run_id: '<@U999>',
      error_message: hostile,
    })
    expectNoLiveMarkup(message)
    expect(errorBody(message)).toBe(
      'boom &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; &lt;!here&gt;',
    )
    expect(message.blocks[0]).toMatchObject({
      text: { text: '🔴 job &lt;!everyone&gt; &amp; co failed 2 times in a row' },
    })
    expect(message.text).toContain('&lt;!channel&gt;')
  })

  it('keeps backticks in an error from closing the code block', () => {
    const message = formatSlackMessage({
      ...failuresEvent,
      error_message: '```\n*bold* outside? <!here>\n``` and `inline`',
    })
    const body = errorBody(message)
    expect(body).not.toContain('`')
    expect(body).toBe('ˋˋˋ\n*bold* outside? &lt;!here&gt;\nˋˋˋ and ˋinlineˋ')
    expectNoLiveMarkup(message)
  })

  it('keeps markup in job-controlled values inside code spans', () => {
    const message = formatSlackMessage({ ...missedRunEvent, schedule: '*/5 * * * *', timezone: 'UTC`*x*`' })
    const fields = section(message).fields?.map((field) => field.text)
    expect(fields).toContain('*Schedule*\n`*/5 * * * *`')
    expect(fields).toContain('*Time zone*\n`UTCˋ*x*ˋ`')
  })

  it('names the incident of a still_failing reminder as its alert did: the job and the time it began failing', () => {
    const alert = formatSlackMessage(failuresEvent)
    const reminder = formatSlackMessage(stillFailingEvent)
    const failingSince = (message: SlackMessage) =>
      section(message).fields?.find((field) => field.text.startsWith('*Failing since*'))?.text
    expect(failingSince(reminder)).toBe(failingSince(alert))
    expect(reminder.text).toBe(
      '🔴 assignment-reminders still failing: 3 in a row since 2026-11-27 03:00:00 UTC (1 d 12 h): connect ECONNREFUSED 10.0.0.5:5432',
    )
    expect(headerText(reminder)).toBe('🔴 assignment-reminders still failing (3 in a row)')
    expect(errorBody(reminder)).toBe('connect ECONNREFUSED 10.0.0.5:5432')
    const fields = section(reminder).fields?.map((field) => field.text)
    expect(fields).toContain('*Failures in a row*\n3 (alert threshold 2)')
    expect(fields).toContain('*Down for*\n1 d 12 h')
  })

  it('escapes the latest error of a still_failing reminder like any error', () => {
    const message = formatSlackMessage({ ...stillFailingEvent, error_message: 'boom <!channel> & ```x```\nstack' })
    expectNoLiveMarkup(message)
    expect(errorBody(message)).toBe('boom &lt;!channel&gt; &amp; ˋˋˋxˋˋˋ\nstack')
    expect(message.text).toMatch(/\(1 d 12 h\): boom &lt;!channel&gt; &amp; ```x``` …$/)
  })

  it('says how far the streak went when a missed run alerts', () => {
    const message = formatSlackMessage({ ...missedRunEvent, consecutive_failure_count: 3, threshold: 3 })
    expect(message.text).toBe(
      '🟡 assignment-reminders missed its scheduled run at 2026-11-30 03:00:00 UTC: 3 failures in a row (threshold 3)',
    )
    expect(section(message).fields?.map((field) => field.text)).toContain('*Failures in a row*\n3 (alert threshold 3)')
  })

  it('cuts a long error with a marker saying how much was cut', () => {
    const error = 'x'.repeat(10_000)
    const message = formatSlackMessage({ ...failuresEvent, error_message: error })
    expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
    const body = errorBody(message)
    const match = /^(x+)… \[([\d,]+) more characters cut\]$/.exec(body)
    expect(match).not.toBeNull()
    const kept = match?.[1]?.length ?? 0
    const cut = Number(match?.[2]?.replaceAll(',', ''))
    expect(kept + cut).toBe(10_000)
    expect(kept).toBeGreaterThan(2_900)
  })

  it('cuts between entities when escaping makes an error too long', () => {
    const message = formatSlackMessage({ ...failuresEvent, error_message: '<&>'.repeat(2_000) })
    expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
    expect(errorBody(message)).toMatch(/^(&lt;&amp;&gt;)*(&lt;|&lt;&amp;)?… \[[\d,]+ more characters cut\]$/)
  })

  it('shortens a long job name so the header keeps its ending', () => {
    const message = formatSlackMessage({ ...failuresEvent, job_name: 'j'.repeat(400) })
    const header = message.blocks[0]
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150)
    expect(header).toMatchObject({ text: { text: expect.stringMatching(/^🔴 j+… failed 2 times in a row$/) } })
    expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
  })

  it('never cuts a character in half', () => {
    const message = formatSlackMessage({
      ...failuresEvent,
      job_name: '🚀'.repeat(200),
      error_message: '🚀'.repeat(5_000),
    })
    expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
    expectNoLiveMarkup(message)
  })

  it('neutralises bidirectional controls in the header, the notification text and every block', () => {
    const message = formatSlackMessage({
      ...failuresEvent,
      job_name: 'invoices\u202Efdp.exe',
      run_id: '\u2066run-2\u2069',
      error_message: 'reads \u200Fbackwards\u061C',
      started_at: 'not a time \u202B',
    })
    expectNoLiveMarkup(message)
    expect(headerText(message)).toBe('🔴 invoices\uFFFDfdp.exe failed 2 times in a row')
    expect(errorBody(message)).toBe('reads \uFFFDbackwards\uFFFD')
    expect(message.text).toBe('🔴 invoices\uFFFDfdp.exe failed 2 times in a row: reads \uFFFDbackwards\uFFFD')
  })

  it.each(allEvents.map((event) => [event.type, event] as const))(
    'neutralises bidirectional controls in every field of a %s event',
    (_type, event) => {
      const bidi = Object.fromEntries(
        Object.entries(event).map(([key, value]) => [
          key,
          typeof value === 'string' && key !== 'type' ? `${value}\u202E` : value,
        ]),
      )
      expectNoLiveMarkup(formatSlackMessage(bidi as unknown as AlertEvent))
    },
  )

  it('writes a lone surrogate from an event field as U+FFFD', () => {
    const message = formatSlackMessage({ ...failuresEvent, job_name: 'a\uD800b', error_message: 'x\uDC00' })
    expectNoLiveMarkup(message)
    expect(headerText(message)).toBe('🔴 a\uFFFDb failed 2 times in a row')
    expect(errorBody(message)).toBe('x\uFFFD')
  })

  it('keeps the header on one line whatever the job name holds', () => {
    const message = formatSlackMessage({ ...failuresEvent, job_name: 'nightly\r\nexport\u2028job\u0000' })
    expect(headerText(message)).toBe('🔴 nightly export job\uFFFD failed 2 times in a row')
  })

  it('holds every limit and escapes everything for arbitrary strings', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.string({
        unit: fc.constantFrom('<', '>', '&', '`', '*', '!', '@', '|', 'a', '🚀', '\n', '\u202E', '\uD800', '\r'),
        maxLength: 5_000,
      }),
      fc.string({ unit: 'grapheme', minLength: 2_990, maxLength: 3_100 }),
    )
    const nonEmpty = text.filter((value) => value.length > 0)
    const events = fc.oneof(
      fc
        .record({ job_name: nonEmpty, run_id: nonEmpty, error_message: text })
        .map((fields): AlertEvent => ({ ...failuresEvent, ...fields })),
      fc
        .record({ job_name: nonEmpty, run_id: nonEmpty })
        .map((fields): AlertEvent => ({ ...longRunningEvent, ...fields })),
      fc
        .record({ job_name: nonEmpty, run_id: nonEmpty })
        .map((fields): AlertEvent => ({ ...recoveredEvent, ...fields })),
      fc
        .record({ job_name: nonEmpty, schedule: nonEmpty, timezone: nonEmpty })
        .map((fields): AlertEvent => ({ ...missedRunEvent, ...fields })),
      fc
        .record({ job_name: nonEmpty, run_id: nonEmpty, error_message: text })
        .map((fields): AlertEvent => ({ ...stillFailingEvent, ...fields })),
    )
    fc.assert(
      fc.property(events, (event) => {
        const message = formatSlackMessage(event)
        expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
        expectNoLiveMarkup(message)
        expect(message.text.length).toBeLessThanOrEqual(500)
        if (
          (event.type === 'consecutive_failures' || event.type === 'still_failing') &&
          event.error_message.trim() !== ''
        ) {
          expect(errorBody(message)).not.toContain('`')
        }
      }),
      { numRuns: 300 },
    )
  })

  it('lays out an event type it does not know, with its fields, instead of failing', () => {
    const message = formatSlackMessage(futureEvent)
    expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
    expect(headerText(message)).toBe('⚪ assignment-reminders had a "quota_exceeded" event')
    expect(message.text).toBe('⚪ assignment-reminders had a "quota_exceeded" event')
    expect(section(message).text?.text).toBe(
      'cronwarden sent a "quota_exceeded" event about "assignment-reminders", a type this version of @cronwarden/slack-notifier does not know.',
    )
    expect(section(message).fields?.map((field) => field.text)).toContain('*used*\n`120`')
    expect(section(message).fields?.map((field) => field.text)).toContain('*limits*\n`{"daily":100}`')
  })

  it('holds every limit and escapes everything in an unknown event, whatever its fields', () => {
    const text = fc.string({
      unit: fc.constantFrom('<', '>', '&', '`', '*', '!', '@', '|', 'a', '🚀', '\n', '\u202E', '\uD800'),
      maxLength: 3_000,
    })
    const fields = fc.dictionary(fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('note', 'a_b')), text, {
      maxKeys: 30,
    })
    fc.assert(
      fc.property(fields, text, text, (extra, type, jobName) => {
        const message = formatSlackMessage({ ...extra, type, job_name: jobName } as unknown as AlertEvent)
        expect(slackMessageSchema.safeParse(message).error).toBeUndefined()
        expectNoLiveMarkup(message)
        expect(message.text.length).toBeLessThanOrEqual(500)
      }),
      { numRuns: 200 },
    )
  })
})
