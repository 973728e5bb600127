import type { ConsecutiveFailuresEvent } from '@cronwarden/core'
import { formatSlackMessage } from '@cronwarden/slack-notifier'
import { describe, expect, it } from 'vitest'
import { renderSlackMessage } from './slack-preview.js'

const event: ConsecutiveFailuresEvent = {
  type: 'consecutive_failures',
  job_name: 'assignment-follow-up-reminders',
  run_id: '5b0f8a52-3f1e-4a4f-9d8e-2f3c1b7a9e10',
  occurred_at: '2026-01-14T06:00:00.031Z',
  error_message: '9 of 9 reminder sends failed (first error: reminder service answered 503)',
  last_success_at: '2026-01-12T06:00:00.044Z',
  consecutive_failure_count: 2,
  threshold: 2,
  started_at: '2026-01-14T06:00:00.000Z',
  finished_at: '2026-01-14T06:00:00.031Z',
  duration_ms: 31,
  down_since: '2026-01-13T06:00:00.000Z',
}

describe('renderSlackMessage', () => {
  it('shows the consecutive-failures alert as the channel would: header, error, fields, last success', () => {
    expect(renderSlackMessage(formatSlackMessage(event))).toEqual([
      '🔴 assignment-follow-up-reminders failed 2 times in a row',
      'Error',
      '  9 of 9 reminder sends failed (first error: reminder service answered 503)',
      'Failures in a row  2 (alert threshold 2)',
      'Duration           31 ms',
      'Started            2026-01-14 06:00:00 UTC',
      'Failing since      2026-01-13 06:00:00 UTC',
      'Run id             5b0f8a52-3f1e-4a4f-9d8e-2f3c1b7a9e10',
      'Last successful run: 2026-01-12 06:00:00 UTC',
    ])
  })

  it('shows markup and mentions from the error as the literal text Slack shows, not as formatting', () => {
    const lines = renderSlackMessage(
      formatSlackMessage({ ...event, error_message: '<!channel> *boom* & `rm -rf`', last_success_at: null }),
    )
    expect(lines).toContain('  <!channel> *boom* & ˋrm -rfˋ')
    expect(lines).toContain('Last successful run: never')
  })
})
