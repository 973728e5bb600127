import type { AlertEvent } from '@cronwarden/core'
import { describeEvent, type EventDescription } from './describe-event.js'
import { cutMarker, escapeTeams, fitText } from './markdown-text.js'

// The message a Teams Workflows webhook ("Post to a channel when a webhook request is
// received") takes: an Adaptive Card as an attachment, per
// https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference#adaptive-card
// TextBlock reads a CommonMark subset (https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/text-features),
// so text from the job is escaped. Teams refuses a message over about 28 KB; ours stay far below.
const JOB_NAME_MAX = 200
const ERROR_MAX = 3_000
const SENTENCE_MAX = 1_000
const FACT_VALUE_MAX = 500

/** A paragraph of the card. Its `text` is markdown with everything from the job escaped. */
export interface TeamsTextBlock {
  /** Always `TextBlock`. */
  type: 'TextBlock'
  /** The text, escaped; line breaks are paragraph breaks. */
  text: string
  /** Always true: long text wraps instead of being cut with an ellipsis. */
  wrap: boolean
  /** `Large` for the headline. */
  size?: 'Large'
  /** `Bolder` for the headline and labels. */
  weight?: 'Bolder'
  /** The headline's colour: `Attention` (failures), `Warning`, `Good` (a recovery). */
  color?: 'Attention' | 'Warning' | 'Good'
  /** `Monospace` for the error. */
  fontType?: 'Monospace'
}

/** One labelled value of a `FactSet`. */
export interface TeamsFact {
  /** The label (ours: `Run id`, `Started`, ...). */
  title: string
  /** The value on one line, escaped; times in UTC. */
  value: string
}

/** The details as label/value rows. */
export interface TeamsFactSet {
  /** Always `FactSet`. */
  type: 'FactSet'
  /** The rows, in the order the alert reads. */
  facts: TeamsFact[]
}

/** Any element the card's body holds; tell them apart by `type`. */
export type TeamsCardElement = TeamsTextBlock | TeamsFactSet

/** The Adaptive Card itself (schema version 1.4, which Teams renders). */
export interface AdaptiveCard {
  /** The Adaptive Card JSON schema's address. */
  $schema: string
  /** Always `AdaptiveCard`. */
  type: 'AdaptiveCard'
  /** The schema version used: `1.4`. */
  version: string
  /** Teams' own extension: `width: 'Full'`, so an error is not squeezed into a narrow card. */
  msteams: { width: 'Full' }
  /** Headline, sentence or error, then the facts. */
  body: TeamsCardElement[]
}

/** The card wrapped as a message attachment. */
export interface TeamsAttachment {
  /** Always `application/vnd.microsoft.card.adaptive`. */
  contentType: 'application/vnd.microsoft.card.adaptive'
  /** The card. */
  content: AdaptiveCard
}

/** The body posted to a Teams Workflows webhook. */
export interface TeamsMessage {
  /** Always `message`. */
  type: 'message'
  /** One attachment: the card. */
  attachments: TeamsAttachment[]
}

const COLORS = { critical: 'Attention', error: 'Attention', warning: 'Warning', info: 'Good' } as const

/**
 * The exact body posted to a Teams Workflows webhook for an event. Pure, for previews and
 * tests. Markdown in anything from the job (`**bold**`, `[link](url)`, lists) is escaped and
 * shown as written, and so is a `{{DATE(...)}}` function.
 */
export function formatTeamsMessage(event: AlertEvent): TeamsMessage {
  const description = describeEvent(event)
  const jobName = fitText(description.jobName, JOB_NAME_MAX, escapeTeams)
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: `${description.icon} ${jobName} ${escapeTeams(description.what)}`,
              wrap: true,
              size: 'Large',
              weight: 'Bolder',
              color: COLORS[description.severity],
            },
            ...details(description),
            {
              type: 'FactSet',
              facts: description.facts.map((fact) => ({
                title: fact.label,
                value: fitText(fact.value, FACT_VALUE_MAX, escapeTeams),
              })),
            },
          ],
        },
      },
    ],
  }
}

function details(description: EventDescription): TeamsTextBlock[] {
  const blocks: TeamsTextBlock[] = []
  if (description.sentence !== null) {
    blocks.push({ type: 'TextBlock', text: fitText(description.sentence, SENTENCE_MAX, escapeTeams), wrap: true })
  }
  if (description.error !== null) {
    blocks.push(
      { type: 'TextBlock', text: 'Error', wrap: true, weight: 'Bolder' },
      {
        type: 'TextBlock',
        text: fitText(description.error, ERROR_MAX, multiline, cutMarker),
        wrap: true,
        fontType: 'Monospace',
      },
    )
  }
  return blocks
}

/** A single line break is a space in markdown; a blank line keeps each line of the error its own. */
function multiline(text: string): string {
  return escapeTeams(text).replace(/\r\n|\r|\n/g, '\n\n')
}
