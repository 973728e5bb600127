import { Cron } from 'croner'
import { z } from 'zod'
import type { AlertEvent } from './alert-event.js'
import { createAlertPipeline } from './alert-pipeline.js'
import { decideAlerts } from './decide-alerts.js'
import { StoreError } from './errors.js'
import type { Logger } from './logger.js'
import {
  checkUniqueNotifierNames,
  DEFAULT_POLICY,
  deliveryOptionsShape,
  realertSchema,
  STORE_METHODS,
} from './options.js'
import { parseOptions } from './parse-options.js'
import type { ExecutionLogStore, JobRecord, Notifier } from './ports.js'
import { resolveRuntime } from './runtime.js'
import { durationMs, nameSchema, objectWithMethods, schemaMatches } from './schema-helpers.js'

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
  /**
   * The streak length that alerts: give the job wrapper's `failureThreshold`, since missed
   * times and failed runs count in one streak. Default 2.
   */
  failureThreshold?: number
  /** Give the job wrapper's `realertEveryMs`, for the same reason. Default none. */
  realertEveryMs?: number | null
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
  /** At most this many missed times are recorded per job and check (the newest). Default 50. */
  maxMissedPerJob?: number
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
    failureThreshold: z.number().int().min(1).default(DEFAULT_POLICY.failureThreshold),
    realertEveryMs: realertSchema,
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
    maxMissedPerJob: z.number().int().min(1).max(1_000).default(50),
  })
  .superRefine((options, ctx) => checkUniqueNotifierNames(options.notifiers, ctx))

schemaMatches<typeof scheduledJobSchema, ScheduledJob>(true)
schemaMatches<typeof checkMissedRunsOptionsSchema, CheckMissedRunsOptions>(true)

/** What one `checkMissedRuns` call did. */
export interface MissedRunCheckResult {
  /** Missed times this call recorded (each counted in its job's streak). */
  recorded: number
  /**
   * Events at least one notifier accepted during this call: entries earlier checks left
   * undelivered first, then what this call's missed times decided, oldest first.
   */
  events: AlertEvent[]
}

/**
 * The dead man's switch: for each job, the scheduled times after its last run that are more
 * than `graceMs` old had no run. Each such time is recorded once as a `missed` row (its id
 * derives from the job and the time, so concurrent or repeated checks agree) and counts in
 * the job's failure streak like a failed run. So a job that stops alerts once, as
 * `missed_run`, when its streak reaches `failureThreshold` (the second missed time by
 * default), however many times it then misses; its next success ends the incident (and may
 * announce the recovery). Call it every minute or so (setInterval, pg_cron + an Edge
 * Function, a worker). Each decision is written with its missed row and delivered like every
 * alert; the check first finishes what earlier checks of these jobs left undelivered.
 */
export async function checkMissedRuns(input: CheckMissedRunsOptions): Promise<MissedRunCheckResult> {
  const parsed = parseOptions(checkMissedRunsOptionsSchema, input, 'checkMissedRuns options')
  const options = { ...parsed, ...resolveRuntime(parsed) }
  const { logger, now } = options
  const pipeline = createAlertPipeline({
    ...options,
    reportInternal: (error) => logger.error('cronwarden internal error', { error }),
  })
  const jobNames = options.jobs.map((job) => job.jobName)
  const events: AlertEvent[] = await pipeline
    .deliverPending(jobNames, Number.POSITIVE_INFINITY)
    .catch((error: Error) => {
      logger.error('missed-run check could not deliver earlier alerts', { error })
      return []
    })
  let recorded = 0
  for (const job of options.jobs) {
    let state: JobRecord | null
    try {
      state = await options.store.getJob({ jobName: job.jobName })
    } catch (cause) {
      logger.error('missed-run check could not read the job', {
        job_name: job.jobName,
        error: new StoreError('getJob', { cause }),
      })
      continue
    }
    const lastRunAt = state?.last_run_at ? new Date(state.last_run_at) : null
    const reference = lastRunAt ?? job.since
    if (!reference) continue // Never ran and no `since`: nothing is expected yet.

    const cron = new Cron(job.schedule, { timezone: job.timezone, paused: true })
    const missed = missedTimes(cron, reference, new Date(now().getTime() - job.graceMs), options.maxMissedPerJob)
    const policy = {
      failureThreshold: job.failureThreshold,
      notifyOnRecovery: DEFAULT_POLICY.notifyOnRecovery,
      realertEveryMs: job.realertEveryMs,
    }
    const alert = pipeline.spec(policy)
    for (const expectedAt of missed) {
      try {
        const result = await options.store.recordMissedRun({
          jobName: job.jobName,
          runId: `missed:${job.jobName}:${expectedAt.toISOString()}`,
          expectedAt,
          detectedAt: new Date(expectedAt.getTime() + job.graceMs),
          errorMessage: `No run started within ${job.graceMs} ms of ${expectedAt.toISOString()} (${job.schedule}, ${job.timezone})`,
          missed: { schedule: job.schedule, timezone: job.timezone, lastRunAt },
          alert,
        })
        if (!result.created) continue // Recorded before, by this or another checker.
        recorded += 1
        if (!result.alert) {
          const decided = result.transition && decideAlerts(result.transition, policy, now())
          if (decided) logger.warn('alert decided but no notifiers are configured', { event: decided })
          continue
        }
        // One at a time, oldest first: a long outage must not burst a channel's rate limit.
        const event = await pipeline.deliver(result.alert)
        if (event) events.push(event)
      } catch (cause) {
        logger.error('missed-run check could not record a missed run', {
          job_name: job.jobName,
          error: new StoreError('recordMissedRun', { cause }),
        })
      }
    }
  }
  return { recorded, events }
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
