import type { MrkdwnTextObject, SlackBlock, SlackMessage } from '@cronwarden/slack-notifier'

/**
 * A posted message as a channel shows it, in plain text lines: the header, the section text
 * (a code block indented), the fields (Slack puts each label over its value; here they sit
 * side by side) and the context line. Markup is applied, not shown: `*bold*` loses its stars,
 * a date token shows its fallback text (UTC; Slack shows each reader's own time zone), and
 * escaped text (`&lt;!channel&gt;`) reads as the literal text it is.
 */
export function renderSlackMessage(message: SlackMessage): string[] {
  return message.blocks.flatMap(renderBlock)
}

function renderBlock(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header':
      return [block.text.text]
    case 'section':
      return [...(block.text ? mrkdwnLines(block.text.text) : []), ...fieldLines(block.fields ?? [])]
    case 'context':
      return [block.elements.map((element) => mrkdwnLines(element.text).join(' ')).join('  ')]
  }
}

/** The notifier writes each field as `*Label*\nvalue`. */
function fieldLines(fields: readonly MrkdwnTextObject[]): string[] {
  const parsed = fields.map((field) => {
    const [first = '', ...rest] = field.text.split('\n')
    const label = /^\*([^*]+)\*$/.exec(first)?.[1]
    return label === undefined ? { label: '', value: inline(field.text) } : { label, value: inline(rest.join(' ')) }
  })
  const width = Math.max(0, ...parsed.map(({ label }) => label.length))
  return parsed.map(({ label, value }) => (label ? `${label.padEnd(width)}  ${value}` : value))
}

/** Text outside ``` fences gets markup; text inside is shown as is, indented like a code block. */
function mrkdwnLines(text: string): string[] {
  return text.split('```').flatMap((part, index) =>
    index % 2 === 1
      ? part.split('\n').map((line) => `  ${unescapeEntities(line)}`)
      : inline(part)
          .split('\n')
          .filter((line) => line !== ''),
  )
}

/** One line of mrkdwn; a `code span` keeps its content literal. */
function inline(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, index) => (index % 2 === 1 ? unescapeEntities(part.slice(1, -1)) : applyMarkup(part)))
    .join('')
}

function applyMarkup(text: string): string {
  return unescapeEntities(
    text
      .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
      .replace(/<!(channel|here|everyone)>/g, '@$1')
      .replace(/<[^|>]+\|([^>]*)>/g, '$1')
      .replace(/<([^>]*)>/g, '$1')
      .replace(/\*([^*\n]+)\*/g, '$1')
      .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?])/g, '$1$2'),
  )
}

function unescapeEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
}
