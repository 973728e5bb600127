import { z } from 'zod'

/**
 * Slack's Block Kit limits, written out from Slack's reference independently of the
 * formatter's own constants, so a wrong constant there fails the tests here.
 */
const plainText = (max: number) =>
  z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() })
const mrkdwn = (max: number) => z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) })

const headerBlock = z.strictObject({ type: z.literal('header'), text: plainText(150) })
const sectionBlock = z
  .strictObject({
    type: z.literal('section'),
    text: mrkdwn(3000).optional(),
    fields: z.array(mrkdwn(2000)).min(1).max(10).optional(),
  })
  .refine((section) => section.text !== undefined || section.fields !== undefined, 'a section needs text or fields')
const contextBlock = z.strictObject({ type: z.literal('context'), elements: z.array(mrkdwn(3000)).min(1).max(10) })

export const slackMessageSchema = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z
    .array(z.discriminatedUnion('type', [headerBlock, sectionBlock, contextBlock]))
    .min(1)
    .max(50),
})

/** Every string a reader sees, for checks that must hold across the whole message. */
export function visibleTexts(message: z.infer<typeof slackMessageSchema>): string[] {
  return [
    message.text,
    ...message.blocks.flatMap((block) => {
      if (block.type === 'header') return [block.text.text]
      if (block.type === 'context') return block.elements.map((element) => element.text)
      return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((field) => field.text)]
    }),
  ]
}
