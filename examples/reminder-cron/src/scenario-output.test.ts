import type { SlackMessage } from '@cronwarden/slack-notifier'
import { describe, expect, it } from 'vitest'
import { ReminderSendsFailedError } from '../supabase/functions/_shared/errors.ts'
import { alertLines, runLine } from './scenario-output.js'

const message: SlackMessage = {
  text: '🔴 job failed 2 times in a row: boom',
  blocks: [{ type: 'header', text: { type: 'plain_text', text: '🔴 job failed 2 times in a row', emoji: true } }],
}

describe('alertLines', () => {
  it('shows the alert as the channel would, without the payload', () => {
    expect(alertLines(message, false)).toEqual([
      'Slack alert, as the ops channel shows it:',
      '┃ 🔴 job failed 2 times in a row',
    ])
  })

  it('adds the exact payload posted to the webhook when asked to', () => {
    const lines = alertLines(message, true)
    const title = lines.indexOf('Block Kit payload posted to the webhook:')
    expect(title).toBe(2)
    expect(JSON.parse(lines.slice(title + 1).join('\n'))).toEqual(message)
  })
})

describe('runLine', () => {
  const recorded = { duration_ms: 31, consecutive_failure_count: 2 }

  it('says a failed run failed, how long it took, its streak and its error', () => {
    const summary = { due: 9, sent: 0, failed: 9, already_sent: 0, first_error: 'reminder service answered 503' }
    expect(runLine({ ok: false, error: new ReminderSendsFailedError(summary) }, recorded)).toBe(
      'run failed in 31 ms, consecutive failures 2: 9 of 9 reminder sends failed (first error: reminder service answered 503)',
    )
  })

  it('says what a successful run sent', () => {
    const summary = { due: 16, sent: 16, failed: 0, already_sent: 0, first_error: null }
    expect(runLine({ ok: true, summary }, { ...recorded, consecutive_failure_count: 0 })).toBe(
      'run succeeded in 31 ms, consecutive failures 0: due 16, sent 16, failed 0, already sent 0',
    )
  })
})
