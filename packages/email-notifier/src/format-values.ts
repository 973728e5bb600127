import { clipText, singleLine } from '@cronwarden/core/plugin'

/**
 * A header value or subject built from event data. Events cross wires, so a job name may hold
 * a line break; in a header that would start a new header (injection), so control characters
 * and line separators become spaces, bidi controls U+FFFD, and the length is bounded.
 */
export function headerText(value: unknown, maxLength = 256): string {
  const text = singleLine(String(value ?? ''))
    .replace(/\s+/g, ' ')
    .trim()
  return clipText(text, maxLength, () => '…')
}
