import { z } from 'zod'

/**
 * Each vendor's published payload rules, written out from their documentation independently
 * of the formatters' own constants, so a wrong constant there fails the tests here.
 */

// https://discord.com/developers/docs/resources/webhook#execute-webhook
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
const discordField = z.strictObject({
  name: z.string().min(1).max(256),
  value: z.string().min(1).max(1024),
  inline: z.boolean().optional(),
})
const discordEmbed = z.strictObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  timestamp: z.iso.datetime().optional(),
  footer: z.strictObject({ text: z.string().max(2048) }).optional(),
  fields: z.array(discordField).max(25).optional(),
})
export const discordMessageSchema = z
  .strictObject({
    content: z.string().max(2000).optional(),
    embeds: z.array(discordEmbed).max(10).optional(),
    allowed_mentions: z.strictObject({ parse: z.array(z.enum(['roles', 'users', 'everyone'])) }).optional(),
  })
  .refine((message) => message.content !== undefined || message.embeds !== undefined, 'content or embeds')
  .refine((message) => embedCharacters(message.embeds ?? []) <= 6000, 'all embeds together at most 6000 characters')

function embedCharacters(embeds: z.infer<typeof discordEmbed>[]): number {
  return embeds.reduce(
    (sum, embed) =>
      sum +
      (embed.title?.length ?? 0) +
      (embed.description?.length ?? 0) +
      (embed.footer?.text.length ?? 0) +
      (embed.fields ?? []).reduce((fields, field) => fields + field.name.length + field.value.length, 0),
    0,
  )
}

// https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-reference#adaptive-card
// https://adaptivecards.io/explorer/TextBlock.html, https://adaptivecards.io/explorer/FactSet.html
const textBlock = z.strictObject({
  type: z.literal('TextBlock'),
  text: z.string().min(1),
  wrap: z.boolean().optional(),
  size: z.enum(['Default', 'Small', 'Medium', 'Large', 'ExtraLarge']).optional(),
  weight: z.enum(['Default', 'Lighter', 'Bolder']).optional(),
  color: z.enum(['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention']).optional(),
  fontType: z.enum(['Default', 'Monospace']).optional(),
  isSubtle: z.boolean().optional(),
})
const factSet = z.strictObject({
  type: z.literal('FactSet'),
  facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1),
})
export const teamsMessageSchema = z
  .strictObject({
    type: z.literal('message'),
    attachments: z
      .array(
        z.strictObject({
          contentType: z.literal('application/vnd.microsoft.card.adaptive'),
          contentUrl: z.null().optional(),
          content: z.strictObject({
            $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
            type: z.literal('AdaptiveCard'),
            // Teams renders up to 1.5 on desktop, 1.2 on some mobile clients; 1.4 is what Workflows documents.
            version: z.enum(['1.2', '1.3', '1.4', '1.5']),
            msteams: z.strictObject({ width: z.literal('Full') }).optional(),
            body: z.array(z.discriminatedUnion('type', [textBlock, factSet])).min(1),
          }),
        }),
      )
      .length(1),
  })
  // Teams refuses a message over about 28 KB.
  .refine((message) => Buffer.byteLength(JSON.stringify(message)) < 28_000, 'at most 28 KB')

// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
// https://developer.pagerduty.com/docs/events-api-v2/resolve-events/
const routingKey = z.string().length(32)
const dedupKey = z.string().min(1).max(255)
export const pagerDutyTriggerSchema = z.strictObject({
  routing_key: routingKey,
  event_action: z.literal('trigger'),
  dedup_key: dedupKey.optional(),
  client: z.string().optional(),
  client_url: z.string().optional(),
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
})
export const pagerDutyResolveSchema = z.strictObject({
  routing_key: routingKey,
  event_action: z.literal('resolve'),
  dedup_key: dedupKey,
})
export const pagerDutyEventSchema = z.discriminatedUnion('event_action', [
  pagerDutyTriggerSchema,
  pagerDutyResolveSchema,
])
