import { describe, expect, it } from 'vitest'
import { SlackNotifierError } from './errors.js'
import { createRetryPolicy, type RetryableFailure } from './retry-policy.js'

const serverError = new SlackNotifierError('Slack rejected the alert with HTTP 503', { code: 'http_error' })
const unavailable: RetryableFailure = { kind: 'unavailable', error: serverError }
const rateLimited = (retryAfterMs: number | undefined): RetryableFailure => ({ kind: 'rate_limited', retryAfterMs })

describe('createRetryPolicy', () => {
  it('retries a 5xx or network error maxRetries times, doubling the delay, then fails with its error', () => {
    const policy = createRetryPolicy({ maxRetries: 3, retryDelayMs: 100 })
    expect([1, 2, 3, 4].map((attempts) => policy(unavailable, 10_000, attempts))).toEqual([
      { retryInMs: 100 },
      { retryInMs: 200 },
      { retryInMs: 400 },
      { fail: serverError },
    ])
  })

  it('does not start a wait that would end after the deadline', () => {
    const policy = createRetryPolicy({ maxRetries: 5, retryDelayMs: 300 })
    expect(policy(unavailable, 300, 1)).toEqual({ fail: serverError })
  })

  it('waits for Retry-After once when it fits in the time left', () => {
    const policy = createRetryPolicy({ maxRetries: 0, retryDelayMs: 100 })
    expect(policy(rateLimited(1_000), 3_000, 1)).toEqual({ retryInMs: 1_000 })
  })

  it('fails with rate_limited on a second 429', () => {
    const policy = createRetryPolicy({ maxRetries: 2, retryDelayMs: 100 })
    policy(rateLimited(0), 3_000, 1)
    const decision = policy(rateLimited(0), 3_000, 2)
    expect(decision).toEqual({ fail: expect.any(SlackNotifierError) })
    expect('fail' in decision && decision.fail).toMatchObject({
      code: 'rate_limited',
      status: 429,
      attempts: 2,
      message: 'Slack rate-limited the alert (HTTP 429) a second time',
    })
  })

  it('fails with rate_limited, saying how long Slack asked for, when Retry-After does not fit', () => {
    const decision = createRetryPolicy({ maxRetries: 2, retryDelayMs: 100 })(rateLimited(30_000), 1_999.6, 1)
    expect('fail' in decision && decision.fail.message).toBe(
      'Slack rate-limited the alert (HTTP 429) and asked to wait 30000 ms, more than the 2000 ms left',
    )
  })

  it('waits retryDelayMs after a 429 without Retry-After', () => {
    const policy = createRetryPolicy({ maxRetries: 2, retryDelayMs: 250 })
    expect(policy(rateLimited(undefined), 3_000, 1)).toEqual({ retryInMs: 250 })
  })

  it('counts a 429 apart from the 5xx retries', () => {
    const policy = createRetryPolicy({ maxRetries: 1, retryDelayMs: 100 })
    expect(policy(rateLimited(0), 10_000, 1)).toEqual({ retryInMs: 0 })
    // The first 5xx after the 429 still gets the first delay and a retry of its own.
    expect(policy(unavailable, 10_000, 2)).toEqual({ retryInMs: 100 })
    expect(policy(unavailable, 10_000, 3)).toEqual({ fail: serverError })
  })
})
