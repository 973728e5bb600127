/**
 * The subset of Block Kit the formatter emits. Declared here rather than imported from
 * `@slack/types` so the public types of this package do not depend on another package's.
 */
/** Text Slack shows without formatting; used for the header. */
export interface PlainTextObject {
  /** Always `plain_text`. */
  type: 'plain_text'
  /** The text as shown; at most `SLACK_LIMITS.headerText` characters in a header. */
  text: string
  /** Whether Slack shows `:emoji:` codes in `text` as emoji; the formatter sets it to true. */
  emoji?: boolean
}

/** Text in Slack's mrkdwn. In the formatter's output, everything taken from the event is escaped. */
export interface MrkdwnTextObject {
  /** Always `mrkdwn`. */
  type: 'mrkdwn'
  /** The mrkdwn source, escaped and cut to the limit of the block holding it. */
  text: string
}

/** The large first line of a message: icon, job name and what happened. */
export interface HeaderBlock {
  /** Always `header`. */
  type: 'header'
  /** One line of at most `SLACK_LIMITS.headerText` characters. */
  text: PlainTextObject
}

/** The body of a message: a paragraph, a grid of labelled fields, or both. */
export interface SectionBlock {
  /** Always `section`. */
  type: 'section'
  /** The paragraph, at most `SLACK_LIMITS.sectionText` characters; absent when there is none. */
  text?: MrkdwnTextObject
  /** Labelled values shown two per row: at most `SLACK_LIMITS.sectionFields`, each of at most `fieldText` characters. */
  fields?: MrkdwnTextObject[]
}

/** The small grey line at the end of a message, e.g. the last successful run. */
export interface ContextBlock {
  /** Always `context`. */
  type: 'context'
  /** The pieces of the line, at most `SLACK_LIMITS.contextElements`. */
  elements: MrkdwnTextObject[]
}

/** Any block the formatter emits; tell them apart by `type`. */
export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock

/** What is posted to the webhook: `text` is what notifications and screen readers show. */
export interface SlackMessage {
  /**
   * The fallback line for push notifications and screen readers: the essentials alone,
   * escaped, at most `SLACK_LIMITS.notificationText` characters.
   */
  text: string
  /** The message as shown in the channel: header, section, and usually a context line. */
  blocks: SlackBlock[]
}
