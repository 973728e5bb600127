import type { RunRecord } from '@cronwarden/core'
import { formatDuration } from '@cronwarden/core/plugin'
import type { SlackMessage } from '@cronwarden/slack-notifier'
import type { DispatchSummary } from '../supabase/functions/_shared/dispatch-summary.ts'
import { renderSlackMessage } from './slack-preview.js'

/** How a run of the reminder cron ended, as its caller saw it. */
export type RunOutcome = { ok: true; summary: DispatchSummary } | { ok: false; error: unknown }

export async function settle(run: Promise<DispatchSummary>): Promise<RunOutcome> {
  try {
    return { ok: true, summary: await run }
  } catch (error) {
    return { ok: false, error }
  }
}

/** What the run did, with its duration and streak as the execution log recorded them. */
export function runLine(
  outcome: RunOutcome,
  recorded: Pick<RunRecord, 'duration_ms' | 'consecutive_failure_count'> | undefined,
): string {
  const duration = recorded?.duration_ms == null ? '' : ` in ${formatDuration(recorded.duration_ms)}`
  const streak = `consecutive failures ${recorded?.consecutive_failure_count ?? '?'}`
  if (outcome.ok) return `run succeeded${duration}, ${streak}: ${describeSummary(outcome.summary)}`
  const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error)
  return `run failed${duration}, ${streak}: ${message}`
}

function describeSummary(summary: DispatchSummary): string {
  return `due ${summary.due}, sent ${summary.sent}, failed ${summary.failed}, already sent ${summary.already_sent}`
}

/**
 * An alert as the ops channel shows it, set off by a bar like a quoted message, and with
 * `showBlockKit` the exact payload posted to the webhook under it.
 */
export function alertLines(message: SlackMessage, showBlockKit: boolean): string[] {
  const lines = ['Slack alert, as the ops channel shows it:', ...renderSlackMessage(message).map((line) => `┃ ${line}`)]
  if (showBlockKit)
    lines.push('Block Kit payload posted to the webhook:', ...JSON.stringify(message, null, 2).split('\n'))
  return lines
}
