import { expect, it } from 'vitest'
import { slackDate } from './format-time.js'

it('writes a Slack date token with a UTC fallback', () => {
  expect(slackDate('2026-11-28T03:00:00.000Z')).toBe(
    '<!date^1795834800^{date_short_pretty} at {time_secs}|2026-11-28 03:00:00 UTC>',
  )
})

it('shows an unreadable timestamp as escaped text', () => {
  expect(slackDate('<!here>')).toBe('&lt;!here&gt;')
})
