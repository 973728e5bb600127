import { describe, expect, it } from 'vitest'
import { firstLine, formatDuration, formatTime, formatTimeAgo } from './format.js'

describe('formatting', () => {
  it('shows times in UTC with a visible zone', () => {
    expect(formatTime('2026-11-30T06:00:12.345Z')).toBe('2026-11-30 06:00:12Z')
    expect(formatTime(null)).toBe('-')
  })

  it.each([
    [850, '850 ms'],
    [41_200, '41.2 s'],
    [185_000, '3 min 5 s'],
    [7_800_000, '2 h 10 min'],
    [273_600_000, '3 d 4 h'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('says how long ago a past time was, and nothing for a future one', () => {
    const now = new Date('2026-11-30T09:00:00Z')
    expect(formatTimeAgo('2026-11-30T06:00:00Z', now)).toBe('2026-11-30 06:00:00Z (3 h 0 min ago)')
    expect(formatTimeAgo('2026-11-30T09:05:00Z', now)).toBe('2026-11-30 09:05:00Z')
  })

  it('keeps the first line of an error, cut with an ellipsis', () => {
    expect(firstLine('connect ECONNREFUSED\n    at stack', 80)).toBe('connect ECONNREFUSED')
    expect(firstLine('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`)
    expect(firstLine(null)).toBe('')
  })
})
