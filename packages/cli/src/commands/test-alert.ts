import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { ConsecutiveFailuresEvent } from '@cronwarden/core'
import { dispatchEvent, redactUrls } from '@cronwarden/core/plugin'
import { type CommandContext, requireNotifiers } from '../context.js'
import { durationOrDash } from '../format.js'

/** The job name test alerts carry, so a channel's reader (or a filter) sees it is a test. */
export const TEST_ALERT_JOB_NAME = 'cronwarden-test-alert'

/**
 * A sample `consecutive_failures` event marked as a test three ways: the job name, a run id
 * starting `test-alert:`, and an error text saying nothing failed. It goes through the same
 * formatting as a real alert, so a channel that renders it will render a real one.
 */
export function testAlertEvent(now: Date): ConsecutiveFailuresEvent {
  const at = now.toISOString()
  const earlier = new Date(now.getTime() - 24 * 3_600_000).toISOString()
  return {
    type: 'consecutive_failures',
    job_name: TEST_ALERT_JOB_NAME,
    run_id: `test-alert:${randomUUID()}`,
    occurred_at: at,
    error_message: `TEST ALERT from \`cronwarden test-alert\` on ${hostname()}: nothing failed. If you can read this, alerts reach this channel.`,
    last_success_at: earlier,
    consecutive_failure_count: 2,
    threshold: 2,
    started_at: at,
    finished_at: at,
    duration_ms: 0,
    down_since: earlier,
  }
}

/**
 * Sends the test event through every configured notifier at once, each bounded by
 * `notifyTimeoutMs`, and prints each outcome. Exit 1 when any notifier did not accept it.
 * Errors are printed with every URL and `user:password@` redacted on top of the notifiers'
 * own redaction: a webhook URL or SMTP password must never reach a terminal or a CI log.
 */
export async function testAlert(context: CommandContext): Promise<number> {
  const notifiers = requireNotifiers(context, 'test-alert')
  const event = testAlertEvent(context.now())
  const { out } = context
  if (!out.json) out.note(`Sending a test alert through ${notifiers.length} notifier(s)…`)
  const records = await dispatchEvent(event, {
    notifiers,
    timeoutMs: context.config.notifyTimeoutMs,
    now: () => new Date(),
  })
  const outcomes = records.map((record) => ({
    notifier: record.notifier,
    status: record.status,
    error: record.error_message === null ? null : redactUrls(record.error_message),
    duration_ms: record.duration_ms,
  }))
  const failed = outcomes.filter((outcome) => outcome.status !== 'delivered')
  if (out.json) {
    out.printJson({ event, ok: failed.length === 0, outcomes })
  } else {
    const { colors } = out
    for (const outcome of outcomes) {
      out.line(
        outcome.status === 'delivered'
          ? `${colors.green('✓')} ${outcome.notifier}: delivered in ${durationOrDash(outcome.duration_ms)}`
          : `${colors.red('✗')} ${outcome.notifier}: ${outcome.status.replace('_', ' ')}: ${outcome.error}`,
      )
    }
    out.line(
      failed.length === 0
        ? colors.green(`All ${outcomes.length} notifier(s) accepted the test alert.`)
        : colors.red(
            `${failed.length} of ${outcomes.length} notifier(s) failed: ${failed.map((f) => f.notifier).join(', ')}.`,
          ),
    )
  }
  return failed.length === 0 ? 0 : 1
}
