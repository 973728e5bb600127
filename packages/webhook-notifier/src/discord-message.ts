import type { AlertEvent } from '@cronwarden/core'
import { neutralizeBackticks } from '@cronwarden/core/plugin'
import { describeEvent, type EventDescription, type Fact } from './describe-event.js'
import { cutMarker, escapeDiscord, fitText } from './markdown-text.js'

// Discord's "Execute Webhook" and embed limits:
// https://discord.com/developers/docs/resources/webhook#execute-webhook
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// content ≤ 2000; embed title ≤ 256, description ≤ 4096, ≤ 25 fields of name ≤ 256 and
// value ≤ 1024; all embeds' text together ≤ 6000. Ours are smaller, so every event fits:
// 256 + 3500 + 7 × (20 + 200) < 6000. The title holds by construction: a job name of at most
// 150 characters and our own words.
const CONTENT_MAX = 500
const DESCRIPTION_MAX = 3_500
const FIELD_VALUE_MAX = 200
const JOB_NAME_MAX = 150

/** One labelled value under the embed. */
export interface DiscordEmbedField {
  /** The label (ours: `Run id`, `Started`, ...). */
  name: string
  /** The value, escaped; a timestamp as Discord's `<t:…:f>`, shown in each reader's time zone. */
  value: string
  /** Always true: fields sit side by side. */
  inline: boolean
}

/** The card under the message: what happened, the error and the details. */
export interface DiscordEmbed {
  /** Icon, job name and what happened, escaped; at most 256 characters. */
  title: string
  /** The error in a code block, or a sentence; at most 4096 characters. */
  description: string
  /** The bar on the left: red for failures, yellow for warnings, green for a recovery. */
  color: number
  /** The details, at most 25. */
  fields: DiscordEmbedField[]
  /** When the event was decided (ISO 8601); absent if the event's time is unreadable. */
  timestamp?: string
}

/** The body posted to a Discord webhook (Execute Webhook, JSON). */
export interface DiscordMessage {
  /** The line notifications show: icon, job, what happened and the error's first line, escaped. */
  content: string
  /** `{ parse: [] }`: nothing in the message pings anyone, whatever it contains. */
  allowed_mentions: { parse: string[] }
  /** One embed with the details. */
  embeds: DiscordEmbed[]
}

const COLORS = { critical: 0xb60205, error: 0xd93f0b, warning: 0xfbca04, info: 0x2da44e } as const

/**
 * The exact body posted to a Discord webhook for an event. Pure, for previews and tests. Text
 * from the job is escaped (no markdown, no mentions, no masked links) and every Discord limit
 * holds whatever the input; `allowed_mentions` is empty besides.
 */
export function formatDiscordMessage(event: AlertEvent): DiscordMessage {
  const description = describeEvent(event)
  const jobName = fitText(description.jobName, JOB_NAME_MAX, escapeDiscord)
  const headline = `${description.icon} ${jobName} ${escapeDiscord(description.what)}`
  const timestamp = description.occurredAt
  return {
    content: `${headline}: ${fitText(description.detail, CONTENT_MAX - headline.length - 2, escapeDiscord)}`,
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: headline,
        description: body(description),
        color: COLORS[description.severity],
        fields: description.facts.map(field),
        ...(timestamp === undefined ? {} : { timestamp }),
      },
    ],
  }
}

/** The error in a code block, where Discord applies no markdown and no mentions. */
function body(description: EventDescription): string {
  if (description.error === null) return fitText(description.sentence ?? '', DESCRIPTION_MAX, escapeDiscord)
  const label = '**Error**\n```\n'
  const end = '\n```'
  const error = fitText(description.error, DESCRIPTION_MAX - label.length - end.length, neutralizeBackticks, cutMarker)
  return `${label}${error}${end}`
}

function field(fact: Fact): DiscordEmbedField {
  const seconds = fact.at === undefined ? Number.NaN : Math.floor(Date.parse(fact.at) / 1_000)
  const value = Number.isNaN(seconds)
    ? fitText(fact.value.trim() === '' ? '(empty)' : fact.value, FIELD_VALUE_MAX, escapeDiscord)
    : `<t:${seconds}:f>`
  return { name: fact.label, value, inline: true }
}
