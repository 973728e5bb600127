import { type AlertEvent, deliverPendingAlerts, type Logger } from '@cronwarden/core'
import { parseOptions } from '@cronwarden/core/plugin'
import { z } from 'zod'
import { JOB_NAME } from './compose.ts'
import type { Monitoring } from './monitoring.ts'

export interface SweepAlertsOptions {
  /** The reminder job's name, when `createReminderCron` was given another. Default `assignment-follow-up-reminders`. */
  jobName?: string
  /** cronwarden's own log lines (deliveries, expired alerts). Default: JSON lines. */
  logger?: Logger
}

// Strict so a misspelled key is an error; deliverPendingAlerts checks the values in depth.
const optionsSchema = z.strictObject({
  jobName: z.string().default(JOB_NAME),
  logger: z.custom<Logger>().optional(),
})

/**
 * One sweep: delivers the reminder job's alerts that are still owed, through the same
 * store and notifiers the job records and alerts with. The job runs once a day, so its next
 * call is a day away; called every minute (pg_cron → the alert-sweeper Edge Function), this
 * delivers an alert whose caller died, or whose channel was down, soon after the channel is
 * back. Only this job's alerts: other jobs sharing the store keep their own dispatchers.
 * Resolves with the events it handed to the notifiers; one a channel refused stays pending
 * and is retried by a later sweep. Several sweeps at once never send one entry twice.
 */
export async function sweepAlerts(monitoring: Monitoring, options: SweepAlertsOptions = {}): Promise<AlertEvent[]> {
  const { jobName, logger } = parseOptions(optionsSchema, options, 'sweepAlerts options')
  return deliverPendingAlerts({
    store: monitoring.store,
    notifiers: monitoring.notifiers,
    jobs: [jobName],
    ...(logger ? { logger } : {}),
  })
}
