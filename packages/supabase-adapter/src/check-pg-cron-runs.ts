import {
  type AlertEvent,
  type AlertSpec,
  deliverPendingAlerts,
  type Logger,
  type Notifier,
  StoreError,
} from '@cronwarden/core'
import {
  boundCall,
  checkUniqueNotifierNames,
  deliveryOptionsShape,
  durationMs,
  nameSchema,
  parseOptions,
  realertSchema,
  schemaMatches,
} from '@cronwarden/core/plugin'
import { z } from 'zod'
import { alertSpecText } from './alert-row.js'
import { type Database, databaseSchema, sqlRunner } from './database.js'
import { checkPgCronJobNames } from './pg-cron-job-names.js'
import { createSupabaseStore } from './supabase-store.js'

/** A pg_cron job to watch, and the name its triggers get in the execution log. */
export interface PgCronJob {
  /** `cron.job.jobname`. */
  pgCronJob: string
  /**
   * The execution log's job name. Default `pg_cron:<pgCronJob>`, so it never shares a streak
   * with the same job's wrapped runs (which would count each failure twice).
   */
  jobName?: string
}

/**
 * Options of `checkPgCronRuns`, checked on each call: an unknown key is an `OptionsError`.
 * The delivery options mean, and default to, what they do for `withFailureAlerting`.
 */
export interface CheckPgCronRunsOptions {
  /**
   * The database with pg_cron and the `cronwarden` schema, as for `createSupabaseStore`.
   * Connect as the role that owns the jobs: pg_cron's row-level security hides other roles' runs.
   */
  db: Database
  /** pg_cron job names, or `{ pgCronJob, jobName }`. */
  jobs: Array<string | PgCronJob>
  /** Where the alerts go; names must be unique (delivery records are keyed by name). Default none. */
  notifiers?: Notifier[]
  /** A run still starting / running / connecting (or awaiting its HTTP response) after this counts as failed. Default 10 min. */
  stuckAfterMs?: number
  /** Default 2, as for wrapped jobs. */
  failureThreshold?: number
  /** Send a `recovered` event when a success ends a streak that alerted. Default false. */
  notifyOnRecovery?: boolean
  /** While a streak that alerted stays open, one `still_failing` reminder per interval. Default none. */
  realertEveryMs?: number | null
  /** Per notifier and event; then the notifier's signal is aborted. Default 5000. */
  notifyTimeoutMs?: number
  /** An alert not delivered to every notifier by then is recorded as expired. Default 24 h. */
  alertTtlMs?: number
  /** Wait before retrying a failed notifier; doubles per attempt, up to 1 h. Default 30 000. */
  retryDelayMs?: number
  /**
   * Per database call (each ingestion batch, and each store call of the delivery); past it the call
   * rejects with `StoreError` (cause `StoreTimeoutError`). Default 10 000, as for wrapped jobs.
   */
  storeTimeoutMs?: number
  /**
   * Read pg_cron's tables now (default). `false` only delivers alerts that the SQL function
   * `cronwarden.ingest_pg_cron` recorded when a pg_cron job called it.
   */
  ingest?: boolean
  /**
   * A job's history, recorded on its first call only: the runs that started at or after this.
   * Default none: the first call starts after the job's newest finished run (a run in progress
   * is recorded when it finishes). `new Date(0)` records the whole history, its alerts included.
   */
  since?: Date
  /**
   * Rows of pg_cron's history read per transaction; the ingestion repeats until it has caught
   * up, so a backlog is committed in short steps. Default 1000.
   */
  batchSize?: number
  /**
   * Where deliveries and delivery failures are logged. Default: JSON lines on stdout/stderr.
   * One that throws cannot break the call.
   */
  logger?: Logger
  /**
   * The clock for delivery attempt times. Default: the system clock. Run times, stuck runs
   * and alert expiry follow the database's clock, not this one.
   */
  now?: () => Date
}

/** What one `checkPgCronRuns` call did. */
export interface PgCronCheckResult {
  /** Runs recorded by this call's ingestion; 0 with `ingest: false`. */
  recorded: number
  /**
   * Events at least one notifier accepted during this call, including entries decided earlier
   * (by a monitor that crashed, or by `cronwarden.ingest_pg_cron` run from SQL).
   */
  events: AlertEvent[]
}

// A pg_cron job's name is part of its name in the log unless one is given.
const jobNameSchema = nameSchema('job name')
const pgCronJobSchema = z.strictObject({ pgCronJob: jobNameSchema, jobName: jobNameSchema.optional() })
schemaMatches<typeof pgCronJobSchema, PgCronJob>(true)
const jobSchema = z.union([jobNameSchema, pgCronJobSchema])

// The delivery options are core's, so they mean here what they mean for wrapped jobs.
export const checkPgCronRunsOptionsSchema = z
  .strictObject({
    db: databaseSchema,
    jobs: z.array(jobSchema).min(1),
    ...deliveryOptionsShape,
    stuckAfterMs: durationMs().default(10 * 60_000),
    failureThreshold: z.number().int().min(1).default(2),
    notifyOnRecovery: z.boolean().default(false),
    realertEveryMs: realertSchema,
    ingest: z.boolean().default(true),
    since: z.date().optional(),
    batchSize: z.number().int().min(1).default(1000),
  })
  .superRefine((options, ctx) => checkUniqueNotifierNames(options.notifiers, ctx))
schemaMatches<typeof checkPgCronRunsOptionsSchema, CheckPgCronRunsOptions>(true)

/**
 * Trigger-level monitoring of pg_cron jobs, without touching their code: records each
 * finished pg_cron run (and, for Edge Function calls tracked with `cronwarden.track_pg_net`,
 * its HTTP outcome) in the execution log through the same streak as wrapped runs, then
 * decides alerts with core's policy and delivers them. Two consecutive failed triggers give
 * exactly one alert; a success resets. Idempotent and safe with several monitors: a run is
 * recorded once, and each transition is delivered by one caller. Call it every minute.
 */
export async function checkPgCronRuns(input: CheckPgCronRunsOptions): Promise<PgCronCheckResult> {
  const options = parseOptions(checkPgCronRunsOptionsSchema, input, 'checkPgCronRuns options')
  const sql = sqlRunner(options.db)
  const jobs = options.jobs.map((job) =>
    typeof job === 'string'
      ? { pgCronJob: job, jobName: `pg_cron:${job}` }
      : { pgCronJob: job.pgCronJob, jobName: job.jobName ?? `pg_cron:${job.pgCronJob}` },
  )
  let recorded = 0
  if (options.ingest) {
    // A misspelt name would watch nothing: refuse it before anything is recorded or delivered.
    const named = options.jobs.map((job, index) => ({
      pgCronJob: typeof job === 'string' ? job : job.pgCronJob,
      path: typeof job === 'string' ? `jobs.${index}` : `jobs.${index}.pgCronJob`,
    }))
    await checkPgCronJobNames(sql, named, 'checkPgCronRuns options', options.storeTimeoutMs)
    // Entries are written unclaimed (claimMs 0): the delivery below claims them like any other.
    const alert: AlertSpec = {
      policy: {
        failureThreshold: options.failureThreshold,
        notifyOnRecovery: options.notifyOnRecovery,
        realertEveryMs: options.realertEveryMs,
      },
      notifiers: options.notifiers.map((notifier) => notifier.name),
      ttlMs: options.alertTtlMs,
      claimMs: 0,
    }
    // One batch per call, each its own transaction, until the function says it has caught up.
    for (let caughtUp = false; !caughtUp; ) {
      const ingestion = boundCall('ingestPgCron', options.storeTimeoutMs, () =>
        sql.rows(
          `select recorded, caught_up from cronwarden.ingest_pg_cron(
             $1::text[], $2::text[], $3::bigint, $4::text::jsonb, $5::integer, $6::timestamptz)`,
          [
            jobs.map((job) => job.pgCronJob),
            jobs.map((job) => job.jobName),
            options.stuckAfterMs,
            alertSpecText(alert),
            options.batchSize,
            options.since?.toISOString() ?? null,
          ],
        ),
      )
      const [batch] = await ingestion.catch((cause: unknown) => {
        throw new StoreError('ingestPgCron', { cause })
      })
      recorded += Number(batch?.recorded)
      caughtUp = batch?.caught_up !== false
    }
  }

  // These jobs' entries only, from this call's ingestion or any earlier one (a monitor that
  // crashed, a channel that was down, or pg_cron calling the ingestion itself). The logger
  // and the clock are only called in there, where core fences them: they cannot throw out.
  const events = await deliverPendingAlerts({
    store: createSupabaseStore({ db: options.db }),
    notifiers: options.notifiers,
    jobs: jobs.map((job) => job.jobName),
    notifyTimeoutMs: options.notifyTimeoutMs,
    storeTimeoutMs: options.storeTimeoutMs,
    retryDelayMs: options.retryDelayMs,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  return { recorded, events }
}
