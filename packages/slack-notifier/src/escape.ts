/**
 * Slack parses `<...>` as links and mentions (`<!channel>`, `<@U123>`) and `&` as the start
 * of an entity, so every piece of text that did not come from us goes through this: a
 * mention in an error message is then shown as text and pings nobody.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/[&<>]/g, (char) => ENTITIES[char as keyof typeof ENTITIES])
}

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' } as const

/**
 * A backtick inside a code span or block could close it and let the rest be read as markup.
 * Slack has no escape for it, so it is replaced by the look-alike U+02CB (ˋ): the text stays
 * readable, and nothing the job wrote can leave the code block.
 */
export function neutralizeBackticks(text: string): string {
  return text.replaceAll('`', '\u02cb')
}

/** The escaped length of one character, for cutting text to a limit that counts escaped text. */
export function escapedLength(char: string): number {
  return char === '&' ? 5 : char === '<' || char === '>' ? 4 : char.length
}
