import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { parseDuration, parseFutureTime } from './parse-duration.js'

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['3650d', 3650 * 86_400_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration('--for', text)).toBe(ms)
  })

  it.each(['', '2', 'h', '0m', '1.5h', '-1h', '1h30m', '2 hours', '2H', '3651d', '1w'])(
    'refuses "%s" with a usage error naming the flag and the expected form',
    (text) => {
      expect(() => parseDuration('--for', text)).toThrow(UsageError)
      expect(() => parseDuration('--for', text)).toThrow(/^--for: expected a whole number and a unit s, m, h or d/)
    },
  )
})

describe('parseFutureTime', () => {
  const now = new Date('2026-12-01T12:00:00Z')

  it('reads a future time with a zone', () => {
    expect(parseFutureTime('--until', '2026-12-01T14:00:00Z', now).toISOString()).toBe('2026-12-01T14:00:00.000Z')
    expect(parseFutureTime('--until', '2026-12-01T15:00+01:00', now).toISOString()).toBe('2026-12-01T14:00:00.000Z')
  })

  it.each(['tomorrow', '2026-12-01', '2026-12-01T14:00:00', '2026-13-01T14:00:00Z'])(
    'refuses "%s", naming the flag and the expected form',
    (text) => {
      expect(() => parseFutureTime('--until', text, now)).toThrow(/^--until: expected an ISO 8601 time with a zone/)
    },
  )

  it('refuses a time that has passed', () => {
    expect(() => parseFutureTime('--until', '2026-12-01T11:00:00Z', now)).toThrow(/has passed/)
  })
})
