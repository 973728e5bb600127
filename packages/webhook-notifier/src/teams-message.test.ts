import type { AlertEvent } from '@cronwarden/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { everyEvent } from '../../../test-support/sample-events.js'
import { arbitraryJobText, BIDI_CONTROL, HOSTILE_TEXTS, LONE_SURROGATE, unescaped } from '../test/markup.js'
import { teamsMessageSchema } from '../test/vendor-schemas.js'
import { formatTeamsMessage, type TeamsMessage } from './teams-message.js'

const [failuresEvent, , recoveredEvent, missedRunEvent, stillFailingEvent] = everyEvent

/** What an Adaptive Card TextBlock reads as markup: emphasis, links, autolinks, date functions. */
const MARKUP = '*_[]<`{'

function texts(message: TeamsMessage): string[] {
  return (message.attachments[0]?.content.body ?? []).flatMap((element) =>
    element.type === 'TextBlock' ? [element.text] : element.facts.flatMap((fact) => [fact.title, fact.value]),
  )
}

function expectSafe(message: TeamsMessage) {
  teamsMessageSchema.parse(message)
  for (const text of texts(message)) {
    expect(unescaped(text, MARKUP)).toEqual([])
    // No list, heading or quote starts a line unescaped.
    expect(text).not.toMatch(/^[ \t]*([-+#>]|\d+[.)](?=[ \t]|$))/m)
    expect(text).not.toContain('{{')
    expect(text).not.toMatch(LONE_SURROGATE)
    expect(text).not.toMatch(BIDI_CONTROL)
  }
}

describe('formatTeamsMessage', () => {
  it('lays out a consecutive_failures event as an Adaptive Card', () => {
    expect(formatTeamsMessage(failuresEvent).attachments[0]?.content.body).toEqual([
      {
        type: 'TextBlock',
        text: '🔴 assignment-reminders failed 2 times in a row',
        wrap: true,
        size: 'Large',
        weight: 'Bolder',
        color: 'Attention',
      },
      { type: 'TextBlock', text: 'Error', wrap: true, weight: 'Bolder' },
      { type: 'TextBlock', text: 'connect ECONNREFUSED 10.0.0.5:5432', wrap: true, fontType: 'Monospace' },
      {
        type: 'FactSet',
        facts: [
          { title: 'Failures in a row', value: '2 (alert threshold 2)' },
          { title: 'Duration', value: '5.0 s' },
          { title: 'Started', value: '2026-11-28 03:00:00 UTC' },
          { title: 'Failing since', value: '2026-11-27 03:00:00 UTC' },
          { title: 'Run id', value: 'run-2' },
          { title: 'Last success', value: '2026-11-26 03:00:04 UTC' },
        ],
      },
    ])
  })

  it('colours a recovery green and says what ended', () => {
    const [headline, sentence] = formatTeamsMessage(recoveredEvent).attachments[0]?.content.body ?? []
    expect(headline).toMatchObject({ text: '🟢 assignment-reminders recovered', color: 'Good' })
    expect(sentence).toEqual({
      type: 'TextBlock',
      text: 'The job succeeded again after 3 consecutive failures.',
      wrap: true,
    })
  })

  it('says since when a still_failing reminder has been failing, then shows the latest error', () => {
    const [headline, sentence, label, error] = formatTeamsMessage(stillFailingEvent).attachments[0]?.content.body ?? []
    expect(headline).toMatchObject({ text: '🔴 assignment-reminders still failing', color: 'Attention' })
    expect(sentence).toMatchObject({ text: 'Failing since 2026-11-27 03:00:00 UTC (1 d 12 h): 3 failures in a row.' })
    expect(label).toMatchObject({ text: 'Error' })
    expect(error).toMatchObject({ text: 'connect ECONNREFUSED 10.0.0.5:5432', fontType: 'Monospace' })
  })

  it('says how long the streak is when a missed run alerts', () => {
    const [, sentence, facts] = formatTeamsMessage(missedRunEvent).attachments[0]?.content.body ?? []
    expect(sentence).toMatchObject({
      text: 'No run started at 2026-11-30 03:00:00 UTC, nor within the grace period of 10 min after it: 1 failure in a row (threshold 1).',
    })
    expect(facts?.type === 'FactSet' && facts.facts[0]).toEqual({
      title: 'Failures in a row',
      value: '1 (alert threshold 1)',
    })
  })

  it.each(everyEvent)('makes a valid card of a $type event', (event) => {
    expectSafe(formatTeamsMessage(event))
  })

  it('shows markdown and date functions from the job as written, and keeps each line of the error', () => {
    const body =
      formatTeamsMessage({
        ...failuresEvent,
        job_name: '**job** [x](https://evil.example)',
        error_message: '- one\n2. two {{DATE(2017-02-14T06:08:39Z, SHORT)}}',
      }).attachments[0]?.content.body ?? []
    expect(body[0]).toMatchObject({ text: '🔴 \\*\\*job\\*\\* \\[x\\](https://evil.example) failed 2 times in a row' })
    expect(body[2]).toMatchObject({ text: '\\- one\n\n2\\. two \\{\\{DATE(2017-02-14T06:08:39Z, SHORT)}}' })
  })

  it.each(HOSTILE_TEXTS.map((text) => [text.slice(0, 40), text]))('stays safe with hostile text: %j', (_name, text) => {
    const event: AlertEvent = { ...failuresEvent, job_name: text, error_message: text, run_id: text }
    expectSafe(formatTeamsMessage(event))
  })

  it('holds for any text', () => {
    const text = arbitraryJobText(['*', '_', '{', '<', '[', '`', '~'], { minLength: 2_900, maxLength: 3_600 })
    fc.assert(
      fc.property(text, text, (jobName, error) => {
        expectSafe(formatTeamsMessage({ ...failuresEvent, job_name: jobName, error_message: error, run_id: error }))
      }),
      { numRuns: 150 },
    )
  })
})
