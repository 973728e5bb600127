import { type ExecutionLogStore, type Logger, type Notifier, withFailureAlerting } from '@cronwarden/core'
import { parseOptions } from '@cronwarden/core/plugin'
import { z } from 'zod'
import type { Db } from './db.ts'
import { type DispatchSummary, failurePolicySchema } from './dispatch-summary.ts'
import { clockSchema } from './options.ts'
import { createReminderDispatchService, type ReminderDispatchServiceOptions } from './reminder-dispatch-service.ts'
import { createReminderJob } from './reminder-job.ts'
import type { ReminderSender } from './reminder-sender.ts'

export const JOB_NAME = 'assignment-follow-up-reminders'

export interface ReminderCronOptions {
  db: Db
  sender: ReminderSender
  /** Where runs are recorded: the Supabase store in production, the memory store embedded. */
  store: ExecutionLogStore
  /** Where alerts go: Slack in production, a log line embedded. */
  notifiers: Notifier[]
  /** Default `assignment-follow-up-reminders`. */
  jobName?: string
  /** A run fails when more than this share of its sends failed (and always when all did). Default 0.5. */
  maxFailedShare?: number
  /** cronwarden's overlap lock; the dispatch claims make overlapping runs safe without it. Default true. */
  lock?: boolean | { leaseMs?: number }
  /**
   * Wait before an alert a channel refused is retried (by the next call or the sweeper,
   * `alert-sweeper.ts`); doubles per attempt, up to an hour. Default 30 000 (cronwarden's).
   */
  retryDelayMs?: number
  /**
   * One clock for what is due and for cronwarden's alert bookkeeping (delivery attempts,
   * retries), so a simulation that moves it moves both. The store keeps its own (the
   * Postgres store's is the database's). Default: the system clock.
   */
  now?: () => Date
  /** Batch size, concurrency, stale-claim timeout. */
  dispatch?: Omit<ReminderDispatchServiceOptions, 'db' | 'sender' | 'now'>
  /** cronwarden's own log lines. Default: JSON lines. */
  logger?: Logger
  host?: string | null
}

// Strict so a misspelled key is an error; the parts are checked in depth where they are used
// (the service and withFailureAlerting parse their own options).
const optionsSchema = z.strictObject({
  db: z.custom<Db>(),
  sender: z.custom<ReminderSender>(),
  store: z.custom<ExecutionLogStore>(),
  notifiers: z.custom<Notifier[]>(),
  jobName: z.string().default(JOB_NAME),
  maxFailedShare: failurePolicySchema.default(0.5),
  lock: z.custom<boolean | { leaseMs?: number }>().default(true),
  retryDelayMs: z.number().optional(),
  now: clockSchema.optional(),
  dispatch: z.custom<Omit<ReminderDispatchServiceOptions, 'db' | 'sender' | 'now'>>().default({}),
  logger: z.custom<Logger>().optional(),
  host: z.string().nullable().default(null),
})

/**
 * The one place the reminder cron is wired: the dispatch service as a cronwarden job, with
 * the store and notifiers given from outside so the embedded example, the Node worker and the
 * Edge Function differ only in what they pass here.
 */
export function createReminderCron(options: ReminderCronOptions): () => Promise<DispatchSummary> {
  const { db, sender, store, notifiers, jobName, maxFailedShare, lock, retryDelayMs, now, dispatch, logger, host } =
    parseOptions(optionsSchema, options, 'createReminderCron options')
  const service = createReminderDispatchService({ ...dispatch, db, sender, ...(now ? { now } : {}) })
  return withFailureAlerting(createReminderJob(service, maxFailedShare), {
    jobName,
    store,
    notifiers,
    lock,
    host,
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
    ...(now ? { now } : {}),
    ...(logger ? { logger } : {}),
  })
}
