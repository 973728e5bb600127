/**
 * How the command shows times and durations: UTC with a visible zone (an on-call person and
 * the database may sit in different zones), durations in the largest sensible unit.
 */

/** `2026-11-30 06:00:12Z`, or `-` for none. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '-'
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`
}

/** `850 ms`, `41.2 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`; `-` for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1_000)} s`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h ${minutes % 60} min`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

/** `2026-11-30 06:00:12Z (3 h 2 min ago)`, or `-` for none. */
export function formatTimeAgo(iso: string | null, now: Date): string {
  if (iso === null) return '-'
  const ago = now.getTime() - Date.parse(iso)
  return ago >= 0 ? `${formatTime(iso)} (${formatDuration(ago)} ago)` : formatTime(iso)
}

/** The first line of a text, cut to `max` characters with an ellipsis. */
export function firstLine(text: string | null, max = 80): string {
  if (text === null) return ''
  const line = text.split(/\r?\n/, 1)[0] ?? ''
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
