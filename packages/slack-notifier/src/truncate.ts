import { escapedLength, escapeSlackText } from './escape.js'

export interface FitOptions {
  /** Chars added around the escaped text (labels, code fences) that count toward the limit. */
  reserved?: number
  /** Marker style: `long` says how much was cut (errors), `short` is a bare ellipsis. */
  marker?: 'long' | 'short'
}

/**
 * Escapes `text` and cuts it so the escaped result plus `reserved` fits `limit`. A cut is
 * always visible: errors end with "… [N more characters cut]" so a reader knows the log has
 * the rest. Cuts fall between code points, never inside an entity or a surrogate pair.
 */
export function fitEscaped(text: string, limit: number, options: FitOptions = {}): string {
  const budget = limit - (options.reserved ?? 0)
  const escaped = escapeSlackText(text)
  if (escaped.length <= budget) return escaped
  const chars = Array.from(text)
  // The marker's width depends on the count it reports, so size it for the worst case.
  const markerFor = (cut: number) =>
    options.marker === 'short' ? '…' : `… [${cut.toLocaleString('en-US')} more characters cut]`
  const room = Math.max(0, budget - markerFor(chars.length).length)
  let kept = 0
  let width = 0
  while (kept < chars.length) {
    const next = escapedLength(chars[kept] as string)
    if (width + next > room) break
    width += next
    kept++
  }
  return `${escapeSlackText(chars.slice(0, kept).join(''))}${markerFor(chars.length - kept)}`
}
