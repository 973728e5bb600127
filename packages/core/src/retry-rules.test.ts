import { describe, expect, it } from 'vitest'
import { createRetryRules, parseRetryAfter } from './retry-rules.js'

it('reads Retry-After as seconds or an HTTP date', () => {
  const now = Date.parse('2026-11-28T03:00:00Z')
  expect(parseRetryAfter('30')).toBe(30_000)
  expect(parseRetryAfter(' 0 ')).toBe(0)
  expect(parseRetryAfter('Sat, 28 Nov 2026 03:00:05 GMT', now)).toBe(5_000)
  expect(parseRetryAfter('Sat, 28 Nov 2026 02:59:00 GMT', now)).toBe(0)
  expect(parseRetryAfter(null)).toBeUndefined()
  expect(parseRetryAfter('soon')).toBeUndefined()
  expect(parseRetryAfter('-5')).toBeUndefined()
  expect(parseRetryAfter('1.5')).toBeUndefined()
})

describe('retry rules', () => {
  const unavailable = { kind: 'unavailable', retryAfterMs: undefined } as const

  it('retries 5xx and network errors maxRetries times with a doubling delay', () => {
    const rules = createRetryRules({ maxRetries: 3, retryDelayMs: 100 })
    expect([1, 2, 3, 4].map(() => rules(unavailable, 10_000))).toEqual([
      { retryInMs: 100 },
      { retryInMs: 200 },
      { retryInMs: 400 },
      { stop: true },
    ])
  })

  it('starts no wait that would end past the deadline', () => {
    expect(createRetryRules({ maxRetries: 2, retryDelayMs: 500 })(unavailable, 400)).toEqual({ stop: true })
    expect(
      createRetryRules({ maxRetries: 2, retryDelayMs: 5 })({ kind: 'unavailable', retryAfterMs: 3_000 }, 2_000),
    ).toEqual({ stop: true })
  })

  it('honours one 429, apart from maxRetries, and says why it gives up on another', () => {
    const rules = createRetryRules({ maxRetries: 0, retryDelayMs: 100 })
    expect(rules({ kind: 'rate_limited', retryAfterMs: 1_000 }, 3_000)).toEqual({ retryInMs: 1_000 })
    expect(rules({ kind: 'rate_limited', retryAfterMs: 0 }, 3_000)).toEqual({
      stop: true,
      rateLimited: 'a second time',
    })
  })

  it('waits retryDelayMs after a 429 without Retry-After, and fails fast when the wait does not fit', () => {
    expect(
      createRetryRules({ maxRetries: 0, retryDelayMs: 100 })({ kind: 'rate_limited', retryAfterMs: undefined }, 500),
    ).toEqual({
      retryInMs: 100,
    })
    expect(
      createRetryRules({ maxRetries: 0, retryDelayMs: 100 })({ kind: 'rate_limited', retryAfterMs: 30_000 }, 1_234.4),
    ).toEqual({
      stop: true,
      rateLimited: 'and asked to wait 30000 ms, more than the 1234 ms left',
    })
  })

  it('counts a 429 apart from the 5xx retries', () => {
    const rules = createRetryRules({ maxRetries: 1, retryDelayMs: 100 })
    expect(rules({ kind: 'rate_limited', retryAfterMs: 0 }, 10_000)).toEqual({ retryInMs: 0 })
    // The first 5xx after the 429 still gets the first delay and a retry of its own.
    expect(rules(unavailable, 10_000)).toEqual({ retryInMs: 100 })
    expect(rules(unavailable, 10_000)).toEqual({ stop: true })
  })

  it("waits for a 503's Retry-After instead of the doubling delay", () => {
    const rules = createRetryRules({ maxRetries: 2, retryDelayMs: 100 })
    expect(rules({ kind: 'unavailable', retryAfterMs: 2_000 }, 10_000)).toEqual({ retryInMs: 2_000 })
  })
})
