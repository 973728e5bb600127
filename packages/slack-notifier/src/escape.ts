/**
 * Slack parses `<...>` as links and mentions (`<!channel>`, `<@U123>`) and `&` as the start
 * of an entity, so every piece of text that did not come from us goes through this: a
 * mention in an error message is then shown as text and pings nobody.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/[&<>]/g, (char) => ENTITIES[char as keyof typeof ENTITIES])
}

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' } as const

/** The escaped length of one character, for cutting text to a limit that counts escaped text. */
export function escapedLength(char: string): number {
  return char === '&' ? 5 : char === '<' || char === '>' ? 4 : char.length
}
