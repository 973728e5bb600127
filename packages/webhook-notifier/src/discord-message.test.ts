import type { AlertEvent } from '@cronwarden/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { everyEvent } from '../../../test-support/sample-events.js'
import { arbitraryJobText, BIDI_CONTROL, HOSTILE_TEXTS, LONE_SURROGATE, unescaped } from '../test/markup.js'
import { discordMessageSchema } from '../test/vendor-schemas.js'
import { type DiscordMessage, formatDiscordMessage } from './discord-message.js'

const [failuresEvent, longRunningEvent, , , stillFailingEvent] = everyEvent

/** What Discord reads as markup or a mention, outside a code block. */
const MARKUP = '*_~`|<[]@'
const OWN_TIMESTAMP = /^<t:\d+:f>$/

function expectSafe(message: DiscordMessage) {
  discordMessageSchema.parse(message)
  expect(message.allowed_mentions).toEqual({ parse: [] })
  const embed = message.embeds[0]
  if (!embed) throw new Error('no embed')
  const escapedTexts = [
    message.content,
    embed.title,
    ...embed.fields.map((field) => field.value).filter((value) => !OWN_TIMESTAMP.test(value)),
  ]
  const codeBlock = /^\*\*Error\*\*\n```\n([\s\S]*)\n```$/.exec(embed.description)
  if (codeBlock) expect(codeBlock[1]).not.toContain('`')
  else escapedTexts.push(embed.description)
  for (const text of escapedTexts) expect(unescaped(text, MARKUP)).toEqual([])
  for (const text of [...escapedTexts, embed.description]) {
    expect(text).not.toMatch(LONE_SURROGATE)
    expect(text).not.toMatch(BIDI_CONTROL)
  }
  expect(embed.title).not.toMatch(/\n/)
}

describe('formatDiscordMessage', () => {
  it('lays out a consecutive_failures event', () => {
    expect(formatDiscordMessage(failuresEvent)).toEqual({
      content: '🔴 assignment-reminders failed 2 times in a row: connect ECONNREFUSED 10.0.0.5:5432',
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: '🔴 assignment-reminders failed 2 times in a row',
          description: '**Error**\n```\nconnect ECONNREFUSED 10.0.0.5:5432\n```',
          color: 0xd93f0b,
          fields: [
            { name: 'Failures in a row', value: '2 (alert threshold 2)', inline: true },
            { name: 'Duration', value: '5.0 s', inline: true },
            { name: 'Started', value: '<t:1795834800:f>', inline: true },
            { name: 'Failing since', value: '<t:1795748400:f>', inline: true },
            { name: 'Run id', value: 'run-2', inline: true },
            { name: 'Last success', value: '<t:1795662004:f>', inline: true },
          ],
          timestamp: '2026-11-28T03:00:05.000Z',
        },
      ],
    })
  })

  it('writes a sentence where there is no error', () => {
    const message = formatDiscordMessage(longRunningEvent)
    expect(message.content).toBe('🟠 assignment-reminders is still running after 30 min: limit 30 min')
    expect(message.embeds[0]?.description).toBe('This run passed its time limit of 30 min and has not finished yet.')
    expect(message.embeds[0]?.fields.at(-1)).toEqual({ name: 'Last success', value: 'never', inline: true })
  })

  it('names the incident of a still_failing reminder in its notification line, with the latest error', () => {
    const message = formatDiscordMessage(stillFailingEvent)
    expect(message.content).toBe(
      '🔴 assignment-reminders still failing: 3 in a row since 2026-11-27 03:00:00 UTC (1 d 12 h): connect ECONNREFUSED 10.0.0.5:5432',
    )
    expect(message.embeds[0]?.title).toBe('🔴 assignment-reminders still failing')
    expect(message.embeds[0]?.description).toBe('**Error**\n```\nconnect ECONNREFUSED 10.0.0.5:5432\n```')
    const failingSince = (event: AlertEvent) =>
      formatDiscordMessage(event).embeds[0]?.fields.find((field) => field.name === 'Failing since')
    expect(failingSince(stillFailingEvent)).toEqual(failingSince(failuresEvent))
    expect(message.embeds[0]?.fields).toContainEqual({ name: 'Down for', value: '1 d 12 h', inline: true })
  })

  it.each(everyEvent)('keeps a $type event within every Discord limit', (event) => {
    expectSafe(formatDiscordMessage(event))
  })

  it('shows mentions and markdown from the job as written, pinging nobody', () => {
    const message = formatDiscordMessage({
      ...failuresEvent,
      job_name: '**job** <@123> @everyone',
      error_message: '@here <@&1> ```\n`x`',
    })
    expect(message.embeds[0]?.title).toBe('🔴 \\*\\*job\\*\\* \\<\\@123> \\@everyone failed 2 times in a row')
    expect(message.content).toBe(
      '🔴 \\*\\*job\\*\\* \\<\\@123> \\@everyone failed 2 times in a row: \\@here \\<\\@&1> \\`\\`\\` …',
    )
    expect(message.embeds[0]?.description).toBe('**Error**\n```\n@here <@&1> ˋˋˋ\nˋxˋ\n```')
    expectSafe(message)
  })

  it.each(HOSTILE_TEXTS.map((text) => [text.slice(0, 40), text]))('stays safe with hostile text: %j', (_name, text) => {
    for (const event of [
      { ...failuresEvent, job_name: text, error_message: text, run_id: text },
      { ...longRunningEvent, job_name: text, run_id: text },
      { ...stillFailingEvent, job_name: text, error_message: text, run_id: text },
    ] satisfies AlertEvent[]) {
      expectSafe(formatDiscordMessage(event))
    }
  })

  it('cuts a long error visibly and keeps its beginning', () => {
    const description = formatDiscordMessage({ ...failuresEvent, error_message: `Error: boom\n${'x'.repeat(10_000)}` })
      .embeds[0]?.description
    expect(description).toMatch(/^\*\*Error\*\*\n```\nError: boom\nx+… \[6,\d{3} more characters cut\]\n```$/)
  })

  it('holds for any text', () => {
    const text = arbitraryJobText(['*', '_', '`', '<', '@', '[', '|', '~'], { minLength: 3_400, maxLength: 4_200 })
    fc.assert(
      fc.property(text, text, (jobName, error) => {
        expectSafe(formatDiscordMessage({ ...failuresEvent, job_name: jobName, error_message: error, run_id: error }))
      }),
      { numRuns: 150 },
    )
  })
})
