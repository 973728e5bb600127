import { describe, expect, it } from 'vitest'
import { createRetryRules, formatDuration, parseRetryAfter, utcTime } from './awaiting-core-plugin.js'

it('writes durations in the largest sensible units', () => {
  expect([0, 850, 5_000, 12_345, 60_000, 245_000, 1_800_000, 7_380_000, 97_200_000].map(formatDuration)).toEqual([
    '0 ms',
    '850 ms',
    '5.0 s',
    '12.3 s',
    '1 min',
    '4 min 5 s',
    '30 min',
    '2 h 3 min',
    '1 d 3 h',
  ])
  expect(formatDuration(Number.NaN)).toBe('unknown')
  expect(formatDuration(-1)).toBe('unknown')
})

it('writes timestamps in UTC, and other text as it is', () => {
  expect(utcTime('2026-11-28T04:00:00+01:00')).toBe('2026-11-28 03:00:00 UTC')
  expect(utcTime('yesterday')).toBe('yesterday')
})

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
})
