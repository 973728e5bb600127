import { SlackNotifierError } from './errors.js'

/** An attempt that did not deliver and may be worth another one. */
export type RetryableFailure =
  | { kind: 'rate_limited'; retryAfterMs: number | undefined }
  /** A 5xx answer or no answer at all; `error` is what the send ends with if not retried. */
  | { kind: 'unavailable'; error: SlackNotifierError }

export type RetryDecision = { retryInMs: number } | { fail: SlackNotifierError }

export interface RetryOptions {
  maxRetries: number
  retryDelayMs: number
}

/**
 * The retry rules of one send. Slack's Retry-After is honoured once: a 429 means "this
 * webhook is posting too much", and hammering it again only extends the limit. A 5xx or a
 * network error is retried up to `maxRetries` times with a doubling delay. No wait starts
 * that would end after the deadline: it would only turn the real error into a timeout.
 */
export function createRetryPolicy(options: RetryOptions) {
  let rateLimited = false
  let unavailable = 0
  return (failure: RetryableFailure, timeLeftMs: number, attempts: number): RetryDecision => {
    if (failure.kind === 'unavailable') {
      unavailable++
      const waitMs = options.retryDelayMs * 2 ** (unavailable - 1)
      return unavailable > options.maxRetries || waitMs >= timeLeftMs ? { fail: failure.error } : { retryInMs: waitMs }
    }
    const waitMs = failure.retryAfterMs ?? options.retryDelayMs
    if (!rateLimited && waitMs < timeLeftMs) {
      rateLimited = true
      return { retryInMs: waitMs }
    }
    const asked =
      failure.retryAfterMs === undefined ? 'without a Retry-After' : `and asked to wait ${failure.retryAfterMs} ms`
    const why = rateLimited ? 'a second time' : `${asked}, more than the ${Math.max(0, Math.round(timeLeftMs))} ms left`
    return {
      fail: new SlackNotifierError(`Slack rate-limited the alert (HTTP 429) ${why}`, {
        code: 'rate_limited',
        status: 429,
        attempts,
      }),
    }
  }
}
