/**
 * The subset of Block Kit the formatter emits. Declared here rather than imported from
 * `@slack/types` so the public types of this package do not depend on another package's.
 */
export interface PlainTextObject {
  type: 'plain_text'
  text: string
  emoji?: boolean
}

export interface MrkdwnTextObject {
  type: 'mrkdwn'
  text: string
}

export interface HeaderBlock {
  type: 'header'
  text: PlainTextObject
}

export interface SectionBlock {
  type: 'section'
  text?: MrkdwnTextObject
  fields?: MrkdwnTextObject[]
}

export interface ContextBlock {
  type: 'context'
  elements: MrkdwnTextObject[]
}

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock

/** What is posted to the webhook: `text` is what notifications and screen readers show. */
export interface SlackMessage {
  text: string
  blocks: SlackBlock[]
}
