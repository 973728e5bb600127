import { expect, it } from 'vitest'
import { parseRetryAfter } from './retry-after.js'

it('reads Retry-After seconds as milliseconds', () => {
  expect(parseRetryAfter('30')).toBe(30_000)
  expect(parseRetryAfter(' 0 ')).toBe(0)
})

it('reads an HTTP date as the time left until it', () => {
  const now = Date.parse('2026-11-28T03:00:00Z')
  expect(parseRetryAfter('Sat, 28 Nov 2026 03:00:05 GMT', now)).toBe(5_000)
  expect(parseRetryAfter('Sat, 28 Nov 2026 02:59:00 GMT', now)).toBe(0)
})

it('returns undefined for a missing or unreadable header', () => {
  expect(parseRetryAfter(null)).toBeUndefined()
  expect(parseRetryAfter('soon')).toBeUndefined()
  expect(parseRetryAfter('-5')).toBeUndefined()
})
