import { describe, expect, it } from 'vitest'
import { cellText, durationOrDash, formatTimeAgo, timeOrDash } from './format.js'

describe('formatting', () => {
  it('shows times in UTC with the zone spelled out, and a dash for none', () => {
    expect(timeOrDash('2026-11-30T06:00:12.345Z')).toBe('2026-11-30 06:00:12 UTC')
    expect(timeOrDash(null)).toBe('-')
  })

  it('shows durations as the alerts do, and a dash for none', () => {
    expect(durationOrDash(185_000)).toBe('3 min 5 s')
    expect(durationOrDash(null)).toBe('-')
  })

  it('says how long ago a past time was, and nothing for a future one', () => {
    const now = new Date('2026-11-30T09:00:00Z')
    expect(formatTimeAgo('2026-11-30T06:00:00Z', now)).toBe('2026-11-30 06:00:00 UTC (3 h ago)')
    expect(formatTimeAgo('2026-11-30T09:05:00Z', now)).toBe('2026-11-30 09:05:00 UTC')
  })

  it('keeps the first line of an error, cut with an ellipsis', () => {
    expect(cellText('connect ECONNREFUSED\n    at stack', 80)).toBe('connect ECONNREFUSED')
    expect(cellText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`)
    expect(cellText(null)).toBe('')
  })
})
