/**
 * When a channel's send tries again: the rules every HTTP notifier shares (Slack, webhooks),
 * so that a 429 or a 5xx is treated the same whichever channel answered it.
 */

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
  | {
      /** The endpoint asked the sender to slow down (HTTP 429). */
      kind: 'rate_limited'
      /** The wait its `Retry-After` asked for, from `parseRetryAfter`; `undefined` when absent or unreadable. */
      retryAfterMs: number | undefined
    }
  /** A 5xx answer (a 503 may carry `Retry-After`) or no answer at all. */
  | {
      /** A 5xx answer, or a network error before any answer. */
      kind: 'unavailable'
      /** A 503's `Retry-After`, when the channel honours it; `undefined` for the doubling delay. */
      retryAfterMs: number | undefined
    }

/** Wait this long and try again, or stop; `rateLimited` says why a 429 was not retried. */
export type RetryDecision =
  | {
      /** Milliseconds to wait before the next attempt. */
      retryInMs: number
    }
  | {
      /** No more attempts: the send ends with the last failure's error. */
      stop: true
      /** Set when a 429 ended the send: why it was not retried, to finish "rate-limited (HTTP 429) …". */
      rateLimited?: string
    }

/** How often and how soon a send tries again. */
export interface RetryOptions {
  /** Retries after a 5xx answer or a network error (a 429 is retried once, apart from these). */
  maxRetries: number
  /** The first wait after a 5xx or a network error, doubled for each further one; the wait after a 429 without `Retry-After`. */
  retryDelayMs: number
}

/**
 * The retry rules of one send. A 429 is retried once, after its `Retry-After` (or
 * `retryDelayMs`): hammering a rate-limited endpoint only extends the limit. A 5xx or a
 * network error is retried up to `maxRetries` times after a doubling delay, or after a 503's
 * `Retry-After`. No wait starts that would end past the deadline: it would only turn the real
 * error into a timeout.
 */
export function createRetryRules(
  options: RetryOptions,
): (failure: RetryableFailure, timeLeftMs: number) => RetryDecision {
  let rateLimited = false
  let unavailable = 0
  return (failure, timeLeftMs) => {
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
