import { Cron } from 'croner'
import { z } from 'zod'
import type { AlertEvent } from './alert-event.js'
import { createAlertPipeline } from './alert-pipeline.js'
import { missedRunEvent } from './decide-alerts.js'
import { StoreError } from './errors.js'
import type { Logger } from './logger.js'
import { checkUniqueNotifierNames, DEFAULT_POLICY, deliveryOptionsShape, STORE_METHODS } from './options.js'
import { parseOptions } from './parse-options.js'
import type { ExecutionLogStore, Notifier, RunRecord } from './ports.js'
import { resolveRuntime } from './runtime.js'
import { durationMs, nameSchema, objectWithMethods } from './schema-helpers.js'

/** A job whose schedule is known, so a time at which it did not run can be noticed. */
export interface ScheduledJob {
  /** The name its runs are recorded under (its wrapper's `jobName`): its last run is looked up by it. */
  jobName: string
  /** A cron expression (5 or 6 fields; croner syntax, including `L` and `#`). */
  schedule: string
  /** IANA time zone the schedule is read in. Default `UTC`. */
  timezone?: string
  /** How long after a scheduled time a run may start and still count. Default 5 min. */
  graceMs?: number
  /** Before the job's first run, scheduled times after this are expected. Default: none. */
  since?: Date
}

/** Options of `checkMissedRuns`; unknown keys are an error. */
export interface CheckMissedRunsOptions {
  /** The store the jobs' runs are recorded in; missed rows and their alert entries go there too. */
  store: ExecutionLogStore
  /** The jobs to check (at least one), each with its schedule. */
  jobs: ScheduledJob[]
  /**
   * Where `missed_run` events go; names must be unique. Default none: missed times are still
   * recorded, and each event is only logged as a warning.
   */
  notifiers?: Notifier[]
  /** Per notifier and event. Default 5000. */
  notifyTimeoutMs?: number
  /** Per store call; past it the check stops waiting and logs a `StoreError`. Default 10 000. */
  storeTimeoutMs?: number
  /** An alert not delivered to every notifier by then is recorded as expired. Default 24 h. */
  alertTtlMs?: number
  /** Wait before retrying a failed notifier; doubles per attempt, up to 1 h. Default 30 000. */
  retryDelayMs?: number
  /** At most this many missed times are reported per job and check (the newest). Default 50. */
  maxEventsPerJob?: number
  /** Where deliveries and the check's own failures are logged. Default: JSON lines. */
  logger?: Logger
  /**
   * The clock that decides which scheduled times are past their grace period, and stamps
   * events and delivery attempts. Default: the system clock.
   */
  now?: () => Date
}

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const scheduledJobSchema = z
  .strictObject({
    jobName: nameSchema('job name'),
    schedule: z.string().min(1),
    timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/Oslo').default('UTC'),
    graceMs: durationMs().default(5 * 60_000),
    since: z.date().optional(),
  })
  .superRefine((job, ctx) => {
    try {
      new Cron(job.schedule, { timezone: job.timezone, paused: true })
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: `expected a cron expression: ${(error as Error).message}`,
      })
    }
  })

const checkMissedRunsOptionsSchema = z
  .strictObject({
    store: objectWithMethods<ExecutionLogStore>(STORE_METHODS, 'an ExecutionLogStore'),
    jobs: z.array(scheduledJobSchema).min(1),
    ...deliveryOptionsShape,
    maxEventsPerJob: z.number().int().min(1).max(1_000).default(50),
  })
  .superRefine((options, ctx) => checkUniqueNotifierNames(options.notifiers, ctx))

/** Rows read to find the last run; missed rows in between are skipped over. */
const LOOKBACK_ROWS = 200

/**
 * The dead man's switch: for each job, the scheduled times after its last run that are more
 * than `graceMs` old had no run. Each such time is recorded once as a `missed` row (its id
 * derives from the job and the time, so concurrent or repeated checks agree) and produces one
 * `missed_run` event — one per missed time, never one per check. A run ends the incident:
 * times before it are never reported. Call it every minute or so (setInterval, pg_cron + an
 * Edge Function, a worker). Each event is written with its missed row and delivered like
 * every alert; the check first finishes what earlier checks of these jobs left undelivered.
 * Returns the earlier events it delivered, then the missed times it found.
 */
export async function checkMissedRuns(input: CheckMissedRunsOptions): Promise<AlertEvent[]> {
  const parsed = parseOptions(checkMissedRunsOptionsSchema, input, 'checkMissedRuns options')
  const options = { ...parsed, ...resolveRuntime(parsed) }
  const { logger, now } = options
  const pipeline = createAlertPipeline({
    ...options,
    reportInternal: (error) => logger.error('cronwarden internal error', { error }),
  })
  // Missed times are not decided by a streak policy; the entry carries the default one.
  const alert = pipeline.spec(DEFAULT_POLICY)
  const jobNames = options.jobs.map((job) => job.jobName)
  const sent: AlertEvent[] = await pipeline.deliverPending(jobNames, Number.POSITIVE_INFINITY).catch((error: Error) => {
    logger.error('missed-run check could not deliver earlier alerts', { error })
    return []
  })
  for (const job of options.jobs) {
    let rows: RunRecord[]
    try {
      rows = await options.store.listRuns(job.jobName, { limit: LOOKBACK_ROWS })
    } catch (cause) {
      logger.error('missed-run check could not read the log', {
        job_name: job.jobName,
        error: new StoreError('listRuns', { cause }),
      })
      continue
    }
    const lastRun = rows.find((row) => row.status !== 'missed')
    const reference = lastRun ? new Date(lastRun.started_at) : job.since
    if (!reference) continue // Never ran and no `since`: nothing is expected yet.

    const checkedAt = now()
    const cron = new Cron(job.schedule, { timezone: job.timezone, paused: true })
    const missed = missedTimes(cron, reference, new Date(checkedAt.getTime() - job.graceMs), options.maxEventsPerJob)
    const downSince = cron.nextRun(reference)
    if (missed.length === 0 || !downSince) continue

    for (const expectedAt of missed) {
      const runId = `missed:${job.jobName}:${expectedAt.toISOString()}`
      const detectedAt = new Date(expectedAt.getTime() + job.graceMs)
      const event = missedRunEvent({
        jobName: job.jobName,
        runId,
        expectedAt,
        schedule: job.schedule,
        timezone: job.timezone,
        graceMs: job.graceMs,
        lastRunAt: lastRun?.started_at ?? null,
        lastSuccessAt: lastRun?.last_success_at ?? null,
        downSince,
        now: now(),
      })
      try {
        const recorded = await options.store.recordMissedRun({
          jobName: job.jobName,
          runId,
          expectedAt,
          detectedAt,
          errorMessage: `No run started within ${job.graceMs} ms of ${expectedAt.toISOString()} (${job.schedule}, ${job.timezone})`,
          event,
          alert,
        })
        // Reported before, by this or another checker, when not created.
        if (!recorded.created) continue // Reported before, by this or another checker.
        sent.push(event)
        // One at a time, oldest first: a long outage must not burst a channel's rate limit.
        if (recorded.alert) await pipeline.deliver(recorded.alert)
        else logger.warn('alert decided but no notifiers are configured', { event })
      } catch (cause) {
        logger.error('missed-run check could not record a missed run', {
          job_name: job.jobName,
          error: new StoreError('recordMissedRun', { cause }),
        })
      }
    }
  }
  return sent
}

/**
 * Scheduled times after `after` and at or before `until`, oldest first, keeping the newest
 * `limit`. Walks back from `until`, so a long outage of a per-minute job stays cheap.
 */
function missedTimes(cron: Cron, after: Date, until: Date, limit: number): Date[] {
  if (until <= after) return []
  const times: Date[] = []
  // croner's previousRuns excludes its start; nudge it so a time exactly at `until` counts.
  for (const time of cron.previousRuns(limit, new Date(until.getTime() + 1))) {
    if (time <= after) break
    if (time <= until) times.push(time)
  }
  return times.reverse()
}
