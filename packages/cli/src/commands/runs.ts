import type { DeliveryRecord, RunRecord } from '@cronwarden/core'
import { boundCall } from '@cronwarden/core/plugin'
import type { CommandContext } from '../context.js'
import { cellText, durationOrDash, timeOrDash } from '../format.js'
import { checkJobArgument } from '../job-argument.js'
import { renderStrip } from '../strip.js'

/** The job's newest runs first, with each notifier's latest delivery per run. */
export async function runs(context: CommandContext, jobName: string, options: { limit: number }): Promise<number> {
  checkJobArgument(jobName)
  const store = context.store()
  const records = await boundCall('listRuns', context.config.storeTimeoutMs, () =>
    store.listRuns({ jobName, limit: options.limit }),
  )
  const { out } = context
  if (out.json) {
    out.printJson({ job_name: jobName, runs: records })
    return 0
  }
  if (records.length === 0) {
    out.line(`No runs recorded for job "${jobName}".`)
    return 0
  }
  const { colors } = out
  out.table(
    ['STATUS', 'STARTED', 'DURATION', 'ERROR', 'SUMMARY', 'DELIVERIES'],
    records.map((run) => [
      `${renderStrip([run.status], colors)} ${run.status}`,
      timeOrDash(run.started_at),
      durationOrDash(run.duration_ms),
      cellText(run.error_message, 60),
      run.summary === null ? '' : cellText(JSON.stringify(run.summary), 40),
      describeDeliveries(run, colors),
    ]),
  )
  return 0
}

/**
 * Per notifier and event type, the latest attempt and how many there were:
 * `slack consecutive_failures: delivered`, `email consecutive_failures: failed ×3`,
 * `slack missed_run: muted` (the job was muted: recorded, not sent).
 */
function describeDeliveries(run: RunRecord, colors: CommandContext['out']['colors']): string {
  const latest = new Map<string, { record: DeliveryRecord; attempts: number }>()
  for (const record of run.deliveries) {
    const key = `${record.notifier} ${record.event_type}`
    latest.set(key, { record, attempts: (latest.get(key)?.attempts ?? 0) + 1 })
  }
  return [...latest.entries()]
    .map(([key, { record, attempts }]) => {
      const text = `${key}: ${record.status}${attempts > 1 ? ` ×${attempts}` : ''}`
      // Muted: recorded on purpose, not sent; neither a success nor a failure of the channel.
      if (record.status === 'muted') return colors.dim(text)
      return record.status === 'delivered' ? colors.green(text) : colors.red(text)
    })
    .join('; ')
}
