import { codePointPrefix } from '@cronwarden/core/plugin'

/**
 * Text from the job shown in a channel that reads markdown. Both Discord and Adaptive Cards
 * (a CommonMark subset) take a backslash before an ASCII punctuation character as that
 * character, so each character that could start markup gets one: anywhere for inline markup
 * (emphasis, links, mentions), at the start of a line for block markup (lists, quotes,
 * headings; `5.0 s` is no list, `1. x` is). One pass, so an inserted backslash is never
 * escaped again.
 */
function markdownEscaper(inline: string): (text: string) => string {
  const pattern = new RegExp(`^([ \\t]*)(?:([-+#>])|(\\d+)([.)])(?=[ \\t]|$))|[${inline}]`, 'gm')
  return (text) =>
    text.replace(pattern, (match, indent?: string, marker?: string, digits?: string, delimiter?: string) => {
      if (marker !== undefined) return `${indent}\\${marker}`
      if (delimiter !== undefined) return `${indent}${digits}\\${delimiter}`
      return `\\${match}`
    })
}

/**
 * Discord: `*` `_` `~` `` ` `` `|` (spoilers), `[` `]` (masked links), `<` (user, role and
 * channel mentions, timestamps, custom emoji) and `@` (`@everyone`, `@here`) anywhere.
 */
export const escapeDiscord = markdownEscaper('\\\\*_~`|<\\[\\]@')

/**
 * Adaptive Cards: `*` `_` (emphasis), `[` `]` (links), `` ` `` `~` `<` as CommonMark would, and
 * `{`, so a job cannot write a `{{DATE(...)}}` function into the card.
 */
export const escapeTeams = markdownEscaper('\\\\*_~`<\\[\\]{')

/** The marker of a cut error: how much was cut, so a reader knows the log has the rest. */
export const cutMarker = (cut: number) => `… [${cut.toLocaleString('en-US')} more characters cut]`

/** The marker of a cut name or value. */
export const ellipsis = () => '…'

/**
 * `transform(text)` within `max` characters, cut visibly when it is too long: the longest
 * beginning of `text` whose transformed form fits with the marker. Cuts fall between code
 * points, never inside an escape, so the result is always well-formed.
 */
export function fitText(
  text: string,
  max: number,
  transform: (text: string) => string,
  marker: (cut: number) => string = ellipsis,
): string {
  // A transform never shortens text, so text longer than `max` cannot fit, nor can a
  // beginning longer than `room`: a 10 MB error is never escaped whole.
  if (text.length <= max) {
    const whole = transform(text)
    if (whole.length <= max) return whole
  }
  // The marker goes through the transform too: `[N more characters cut]` is markdown's link text.
  const room = Math.max(0, max - transform(marker(text.length)).length)
  const candidate = codePointPrefix(text, room)
  let low = 0
  let high = candidate.length
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (transform(codePointPrefix(candidate, middle)).length <= room) low = middle
    else high = middle - 1
  }
  const kept = codePointPrefix(candidate, low)
  return `${transform(kept)}${transform(marker(text.length - kept.length))}`
}
