import {
  type AlertEvent,
  createJsonLineLogger,
  decideAlerts,
  deliverEvent,
  type Logger,
  type Notifier,
  notifierSchema,
  parseOptions,
  type StreakTransition,
} from '@cronwarden/core'
import { z } from 'zod'
import { type Database, databaseSchema, scalar, sqlRunner } from './database.js'
import { createSupabaseStore } from './supabase-store.js'
import { type TransitionRow, toTransition } from './transition-row.js'

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

export interface CheckPgCronRunsOptions {
  db: Database
  /** pg_cron job names, or `{ pgCronJob, jobName }`. */
  jobs: Array<string | PgCronJob>
  notifiers?: Notifier[]
  /** A run still starting / running / connecting (or awaiting its HTTP response) after this counts as failed. Default 10 min. */
  stuckAfterMs?: number
  /** Default 2, as for wrapped jobs. */
  failureThreshold?: number
  notifyOnRecovery?: boolean
  notifyTimeoutMs?: number
  /**
   * Read pg_cron's tables now (default). `false` only delivers transitions that the SQL
   * function `cronwarden.ingest_pg_cron` recorded when a pg_cron job called it.
   */
  ingest?: boolean
  logger?: Logger
  now?: () => Date
}

export interface PgCronCheckResult {
  /** Runs recorded by this call's ingestion. */
  recorded: number
  /** Alerts decided and delivered by this call. */
  events: AlertEvent[]
}

const jobSchema = z.union([
  z.string().min(1),
  z.strictObject({ pgCronJob: z.string().min(1), jobName: z.string().min(1).max(200).optional() }),
])

const optionsSchema = z.strictObject({
  db: databaseSchema,
  jobs: z.array(jobSchema).min(1),
  notifiers: z.array(notifierSchema).default([]),
  stuckAfterMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  failureThreshold: z.number().int().min(1).default(2),
  notifyOnRecovery: z.boolean().default(false),
  notifyTimeoutMs: z.number().int().positive().default(5_000),
  ingest: z.boolean().default(true),
  logger: z.custom<Logger>((value) => typeof (value as Logger)?.error === 'function', 'expected a logger').optional(),
  now: z.custom<() => Date>((value) => typeof value === 'function', 'expected a function').optional(),
})

/** Transitions handed to one dispatcher per call; a crashed dispatcher's claim returns after this. */
const CLAIM_LIMIT = 500
const RECLAIM_AFTER_MS = 5 * 60_000

/**
 * Trigger-level monitoring of pg_cron jobs, without touching their code: records each
 * finished pg_cron run (and, for Edge Function calls tracked with `cronwarden.track_pg_net`,
 * its HTTP outcome) in the execution log through the same streak as wrapped runs, then
 * decides alerts with core's policy and delivers them. Two consecutive failed triggers give
 * exactly one alert; a success resets. Idempotent and safe with several monitors: a run is
 * recorded once, and each transition is delivered by one caller. Call it every minute.
 */
export async function checkPgCronRuns(input: CheckPgCronRunsOptions): Promise<PgCronCheckResult> {
  const options = parseOptions(optionsSchema, input, 'checkPgCronRuns options')
  const sql = sqlRunner(options.db)
  const jobs = options.jobs.map((job) =>
    typeof job === 'string'
      ? { pgCronJob: job, jobName: `pg_cron:${job}` }
      : { pgCronJob: job.pgCronJob, jobName: job.jobName ?? `pg_cron:${job.pgCronJob}` },
  )
  let recorded = 0
  if (options.ingest) {
    recorded = Number(
      await scalar(sql, 'select cronwarden.ingest_pg_cron($1::text[], $2::text[], $3::bigint)', [
        jobs.map((job) => job.pgCronJob),
        jobs.map((job) => job.jobName),
        options.stuckAfterMs,
      ]),
    )
  }

  const claimed = (await scalar(sql, 'select cronwarden.claim_pg_cron_transitions($1::integer, $2::bigint)', [
    CLAIM_LIMIT,
    RECLAIM_AFTER_MS,
  ])) as Array<{ id: number; job_name: string; transition: TransitionRow }>
  if (claimed.length === 0) return { recorded, events: [] }

  const now = options.now ?? (() => new Date())
  const logger = options.logger ?? createJsonLineLogger()
  const store = createSupabaseStore({ db: options.db })
  const events: AlertEvent[] = []
  const policy = { failureThreshold: options.failureThreshold, notifyOnRecovery: options.notifyOnRecovery }
  for (const { job_name, transition } of claimed) {
    const decided = decideAlerts(toTransition(job_name, transition) satisfies StreakTransition, policy, now())
    for (const event of decided) {
      events.push(event)
      await deliverEvent(event, {
        store,
        notifiers: options.notifiers,
        notifyTimeoutMs: options.notifyTimeoutMs,
        now,
        logger,
        reportInternal: (error) => logger.error('cronwarden internal error', { job_name, error }),
      })
    }
  }
  await sql.rows('select cronwarden.ack_pg_cron_transitions($1::bigint[])', [claimed.map((entry) => entry.id)])
  return { recorded, events }
}
