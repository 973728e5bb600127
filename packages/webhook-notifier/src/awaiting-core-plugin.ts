import { describeError } from '@cronwarden/core/plugin'

/**
 * Helpers every channel package needs and `@cronwarden/core/plugin` does not export yet.
 * slack-notifier, email-notifier and cli each keep a copy of some of them; these are minimal
 * versions kept in this one file until core's plugin owns them, so that moving them there is
 * one import change here.
 */

/** `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`, `3 d 4 h`: a duration read at a glance. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown'
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ]
  const major = units.findIndex(([size]) => ms >= size)
  const [majorSize, majorUnit] = units[major] as [number, string]
  const [minorSize, minorUnit] = units[major + 1] as [number, string]
  const majorCount = Math.floor(ms / majorSize)
  const minorCount = Math.floor((ms % majorSize) / minorSize)
  return minorCount === 0 ? `${majorCount} ${majorUnit}` : `${majorCount} ${majorUnit} ${minorCount} ${minorUnit}`
}

/** `2026-11-28 03:00:00 UTC`; text that is not a timestamp comes back as it is. */
export function utcTime(iso: string): string {
  const millis = Date.parse(iso)
  if (Number.isNaN(millis)) return iso
  return `${new Date(millis).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). `undefined` when absent or unreadable, so the caller's own delay applies.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1_000
  // An HTTP date names its weekday and month; without letters, Date.parse would take '-1' as a year.
  if (!/[a-z]{3}/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** An attempt that did not deliver and could be tried again. */
export type RetryableFailure =
  /** HTTP 429; `retryAfterMs` from the answer's `Retry-After`, if readable. */
  | { kind: 'rate_limited'; retryAfterMs: number | undefined }
  /** A 5xx answer (a 503 may carry `Retry-After`) or no answer at all. */
  | { kind: 'unavailable'; retryAfterMs: number | undefined }

/** Wait this long and try again, or stop; `rateLimited` says why a 429 was not retried. */
export type RetryDecision = { retryInMs: number } | { stop: true; rateLimited?: string }

/**
 * The retry rules of one send. A 429 is retried once, after its `Retry-After` (or
 * `retryDelayMs`): hammering a rate-limited endpoint only extends the limit. A 5xx or a
 * network error is retried up to `maxRetries` times after a doubling delay, or after a 503's
 * `Retry-After`. No wait starts that would end past the deadline: it would only turn the real
 * error into a timeout.
 */
export function createRetryRules(options: { maxRetries: number; retryDelayMs: number }) {
  let rateLimited = false
  let unavailable = 0
  return (failure: RetryableFailure, timeLeftMs: number): RetryDecision => {
    if (failure.kind === 'unavailable') {
      unavailable++
      const waitMs = failure.retryAfterMs ?? options.retryDelayMs * 2 ** (unavailable - 1)
      return unavailable > options.maxRetries || waitMs >= timeLeftMs ? { stop: true } : { retryInMs: waitMs }
    }
    const waitMs = failure.retryAfterMs ?? options.retryDelayMs
    if (!rateLimited && waitMs < timeLeftMs) {
      rateLimited = true
      return { retryInMs: waitMs }
    }
    if (rateLimited) return { stop: true, rateLimited: 'a second time' }
    const asked =
      failure.retryAfterMs === undefined ? 'without a Retry-After' : `and asked to wait ${failure.retryAfterMs} ms`
    return { stop: true, rateLimited: `${asked}, more than the ${Math.max(0, Math.round(timeLeftMs))} ms left` }
  }
}

/** What a value is, without reading it: `typeof` is the one look no Proxy can intercept. */
export function kindOf(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  const type = typeof value
  return type === 'object' ? 'an object' : `a ${type}`
}

/**
 * A backtick inside a code block could close it. Discord has no escape there, so it becomes
 * the look-alike U+02CB: the text stays readable and cannot leave the block.
 */
export function neutralizeBackticks(text: string): string {
  return text.replaceAll('`', '\u02cb')
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a redirect) is on its cause. */
export function describeNetworkError(error: unknown): string {
  const message = describeError(error)
  const cause = error instanceof Error ? error.cause : undefined
  if (!(cause instanceof Error)) return message
  const code = (cause as { code?: unknown }).code
  return `${message} (${typeof code === 'string' ? code : describeError(cause)})`
}
