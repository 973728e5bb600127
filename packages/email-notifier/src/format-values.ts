import { clipText, singleLine } from '@cronwarden/core/plugin'

/**
 * Times in alert emails are UTC with the zone spelled out: the readers of one alert sit in
 * different time zones, and a bare local time would be read wrongly by some of them.
 */
export function formatTime(value: unknown): string {
  if (typeof value !== 'string') return 'unknown'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** `850 ms`, `41.4 s`, `35 min 10 s`, `2 h 5 min`: what a reader compares at a glance. */
export function formatDuration(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 'unknown'
  if (value < 1000) return `${Math.round(value)} ms`
  if (value < 60_000) return `${Math.floor(value / 100) / 10} s`
  const totalSeconds = Math.floor(value / 1000)
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  const parts =
    hours > 0
      ? [[hours, 'h'] as const, [minutes, 'min'] as const]
      : [[minutes, 'min'] as const, [seconds, 's'] as const]
  return parts
    .filter(([amount], index) => index === 0 || amount > 0)
    .map(([amount, unit]) => `${amount} ${unit}`)
    .join(' ')
}

/** Singular or plural noun after a count: `1 failure`, `3 failures`. */
export function counted(count: unknown, singular: string, plural = `${singular}s`): string {
  return `${String(count)} ${count === 1 ? singular : plural}`
}

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
