import { expect, it } from 'vitest'
import { formatDuration, slackDate, utcText } from './format-time.js'

it('formats durations in the largest units that read at a glance', () => {
  expect(formatDuration(850)).toBe('850 ms')
  expect(formatDuration(12_345)).toBe('12.3 s')
  expect(formatDuration(245_000)).toBe('4 min 5 s')
  expect(formatDuration(600_000)).toBe('10 min')
  expect(formatDuration(7_380_000)).toBe('2 h 3 min')
  expect(formatDuration(90_000_000)).toBe('1 d 1 h')
  expect(formatDuration(-1)).toBe('unknown')
})

it('writes a Slack date token with a UTC fallback', () => {
  expect(slackDate('2026-11-28T03:00:00.000Z')).toBe(
    '<!date^1795834800^{date_short_pretty} at {time_secs}|2026-11-28 03:00:00 UTC>',
  )
  expect(utcText('2026-11-28T04:00:00+01:00')).toBe('2026-11-28 03:00:00 UTC')
})

it('shows an unreadable timestamp as escaped text', () => {
  expect(slackDate('<!here>')).toBe('&lt;!here&gt;')
})
