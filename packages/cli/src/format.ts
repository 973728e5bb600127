import { clipText, firstLine, formatDuration, utcTime } from '@cronwarden/core/plugin'

/**
 * How the command shows times and durations: core's shared texts (UTC with the zone spelled
 * out, as in the alerts; durations in the largest sensible unit), `-` for none, and how long
 * ago a time was.
 */

/** `2026-11-30 06:00:12 UTC`, or `-` for none. */
export function timeOrDash(iso: string | null): string {
  return iso === null ? '-' : utcTime(iso)
}

/** `850 ms`, `41.2 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`; `-` for none. */
export function durationOrDash(ms: number | null): string {
  return ms === null ? '-' : formatDuration(ms)
}

/** `2026-11-30 06:00:12 UTC (3 h 2 min ago)`, or `-` for none. */
export function formatTimeAgo(iso: string | null, now: Date): string {
  if (iso === null) return '-'
  const ago = now.getTime() - Date.parse(iso)
  return ago >= 0 ? `${utcTime(iso)} (${formatDuration(ago)} ago)` : utcTime(iso)
}

/** A table cell: the first line of a text, cut to `max` characters with an ellipsis. */
export function cellText(text: string | null, max = 80): string {
  return text === null ? '' : clipText(firstLine(text, ''), max, () => '…')
}
