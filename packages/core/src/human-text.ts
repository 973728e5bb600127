/**
 * Durations and times as every channel shows them to a person (Slack, email, webhooks, the
 * CLI), so that one alert reads the same wherever it arrives.
 */

const UNITS: ReadonlyArray<readonly [size: number, unit: string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
]

/**
 * A duration read at a glance, in its largest unit and the next one: `850 ms`, `41.0 s`,
 * `4 min 5 s`, `10 min`, `2 h 3 min`, `1 d 1 h`. Below a minute the tenths are always shown
 * and cut, not rounded (59,999 ms is `59.9 s`, never `60.0 s`); a zero minor unit is left
 * out. Anything that is not a finite, non-negative number is `unknown`.
 */
export function formatDuration(ms: number): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return 'unknown'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`
  const major = UNITS.findIndex(([size]) => ms >= size)
  const [majorSize, majorUnit] = UNITS[major] as readonly [number, string]
  const [minorSize, minorUnit] = UNITS[major + 1] as readonly [number, string]
  const majorCount = Math.floor(ms / majorSize)
  const minorCount = Math.floor((ms % majorSize) / minorSize)
  return minorCount === 0 ? `${majorCount} ${majorUnit}` : `${majorCount} ${majorUnit} ${minorCount} ${minorUnit}`
}

/** A count and its noun, singular or plural: `1 attempt`, `3 attempts`, `2 consecutive failures`. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`
}

/**
 * A streak as every channel words it, so an alert reads the same wherever it arrives:
 * `3 failures in a row (threshold 3)`.
 */
export function failureStreak(count: number, threshold: number): string {
  return `${counted(count, 'failure')} in a row (threshold ${threshold})`
}

/**
 * The first line of a text (a multi-line error, a stack) for a one-line place: a push
 * notification, a table cell. `more` ends it when lines were left out, so a reader knows the
 * rest is in the message or the log. Any line break ends the line: LF, CRLF or a lone CR.
 */
export function firstLine(text: string, more = ' …'): string {
  const line = text.split(/\r\n|\r|\n/, 1)[0] ?? ''
  return line.length < text.length ? `${line}${more}` : line
}

/**
 * A timestamp in UTC with the zone spelled out, to the second: `2026-11-28 03:00:00 UTC`.
 * Readers of one alert sit in different time zones, so a bare local time would mislead some
 * of them. Text that is not a timestamp comes back as it is (escape it for your channel).
 */
export function utcTime(iso: string): string {
  const millis = Date.parse(iso)
  if (Number.isNaN(millis)) return iso
  return `${new Date(millis).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}
