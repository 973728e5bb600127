import { type JobHealthRecord, readJobHealth } from '@cronwarden/supabase-adapter'
import type { CommandContext } from '../context.js'
import { formatTimeAgo, timeOrDash } from '../format.js'
import { noteUnknownJob, readKnownJobs } from '../job-argument.js'
import { renderStrip, STRIP_LEGEND } from '../strip.js'
import { isMuted } from './mute.js'

export interface StatusOptions {
  jobs: string[]
  recentRuns: number
  expiredWithinMs: number
}

/**
 * Why a job makes `status` exit 1; none means healthy. A muted job's problems are listed all
 * the same: the mute silences its alerts, not the facts (see `status`).
 */
export function problemsOf(job: JobHealthRecord): string[] {
  const problems: string[] = []
  if (job.consecutive_failure_count > 0) problems.push('down')
  if (missedSince(job) !== null) problems.push('missed run')
  if (job.alerts.pending + job.alerts.failed > 0) problems.push('alert undelivered')
  if (job.alerts.expired > 0) problems.push('alert expired')
  return problems
}

/**
 * Missed scheduled times count in the store's streak like failed runs, so a job that stopped
 * running altogether is down; this tells that case (the trigger no longer starts it) from a
 * job that runs and fails. When its newest run (skipped rows aside: another run held the
 * lease) is `missed`, it is missing since the first of the missed times that end its strip.
 * (Also covers a log from before missed times counted: such a job would otherwise look healthy.)
 */
export function missedSince(job: JobHealthRecord): string | null {
  let since: string | null = null
  for (let index = job.recent_runs.length - 1; index >= 0; index--) {
    const run = job.recent_runs[index]
    if (run === undefined || run.status === 'skipped') continue
    if (run.status !== 'missed') break
    since = run.started_at
  }
  return since
}

/**
 * One line per job. Exit 1 when a job is down (its last closed run failed), missed its last
 * scheduled run, or was asked about by name and has no record, or when an alert is not
 * delivered (pending, retrying after a failure, or expired within the window), so the command
 * doubles as a health check; 0 when all is well.
 *
 * A muted job counts the same: muting stops the messages, and someone who muted a job to work
 * on it still wants the health check red until it is fixed (a mute that outlives the fix, or
 * is forgotten, must not hide a job that stays down). It is marked muted, with until when.
 */
export async function status(context: CommandContext, options: StatusOptions): Promise<number> {
  const jobs = await readJobHealth({
    db: context.database(),
    ...(options.jobs.length > 0 ? { jobs: options.jobs } : {}),
    recentRuns: options.recentRuns,
    expiredWithinMs: options.expiredWithinMs,
    storeTimeoutMs: context.config.storeTimeoutMs,
  })
  const unhealthy = jobs.filter((job) => problemsOf(job).length > 0)
  // A job asked about by name with no record is not healthy: a misspelt name in a health
  // check must not pass forever.
  const recorded = new Set(jobs.map((job) => job.job_name))
  const unknown = [...new Set(options.jobs)].filter((name) => !recorded.has(name))
  const exitCode = unhealthy.length === 0 && unknown.length === 0 ? 0 : 1
  const { out } = context
  const now = context.now()
  if (out.json) {
    out.printJson({
      healthy: exitCode === 0,
      // `muted_until` is the stored time (a past one is a lapsed mute); `muted` says whether it holds now.
      jobs: jobs.map((job) => ({ ...job, muted: isMuted(job.muted_until, now), problems: problemsOf(job) })),
      unknown_jobs: unknown,
    })
    return exitCode
  }
  const known = unknown.length > 0 ? await readKnownJobs(context) : null
  for (const name of unknown) noteUnknownJob(context, name, known)
  if (jobs.length === 0) {
    if (unknown.length === 0) out.line('No jobs recorded yet.')
    return exitCode
  }
  const { colors } = out
  // The column only when a job is muted: most of the time none is, and the table is wide.
  const muted = jobs.filter((job) => isMuted(job.muted_until, now))
  out.table(
    [
      'JOB',
      `LAST ${options.recentRuns}`,
      'STREAK',
      'LAST SUCCESS',
      'DOWN SINCE',
      'RUNNING',
      'ALERTS',
      ...(muted.length > 0 ? ['MUTED UNTIL'] : []),
    ],
    jobs.map((job) => [
      problemsOf(job).length > 0 ? colors.red(job.job_name) : job.job_name,
      renderStrip(
        job.recent_runs.map((run) => run.status),
        colors,
      ),
      String(job.consecutive_failure_count),
      formatTimeAgo(job.last_success_at, now),
      describeDownSince(job, now, colors),
      describeRunning(job, now),
      describeAlerts(job, colors),
      ...(muted.length === 0 ? [] : [isMuted(job.muted_until, now) ? colors.yellow(timeOrDash(job.muted_until)) : '-']),
    ]),
  )
  out.line()
  out.line(colors.dim(STRIP_LEGEND))
  const asked = jobs.length + unknown.length
  const mutedNote =
    muted.length === 0
      ? ''
      : ` ${muted.length} muted: alerts recorded, not sent${muted.some((job) => problemsOf(job).length > 0) ? ' (muted jobs still count here)' : ''}.`
  out.line(
    exitCode === 0
      ? colors.green(`All ${jobs.length} jobs healthy.${mutedNote}`)
      : colors.red(`${unhealthy.length + unknown.length} of ${asked} jobs need attention.${mutedNote}`),
  )
  return exitCode
}

function describeDownSince(job: JobHealthRecord, now: Date, colors: CommandContext['out']['colors']): string {
  const missed = missedSince(job)
  if (job.down_since !== null)
    return colors.red(`${formatTimeAgo(job.down_since, now)}${missed === null ? '' : ', missed'}`)
  return missed === null ? '-' : colors.yellow(`${formatTimeAgo(missed, now)}, missed`)
}

function describeRunning(job: JobHealthRecord, now: Date): string {
  if (job.running.length === 0) return '-'
  return job.running
    .map((run) => {
      const lease =
        run.lease_expires_at === null ? 'no lease' : `lease until ${formatTimeAgo(run.lease_expires_at, now)}`
      return `${run.run_id}${run.host ? ` on ${run.host}` : ''}, since ${formatTimeAgo(run.started_at, now)}, ${lease}`
    })
    .join('; ')
}

function describeAlerts(job: JobHealthRecord, colors: CommandContext['out']['colors']): string {
  const { pending, failed, expired } = job.alerts
  if (pending + failed + expired === 0) return '-'
  const parts = [
    pending > 0 ? `${pending} pending` : null,
    failed > 0 ? `${failed} failed` : null,
    expired > 0 ? `${expired} expired` : null,
  ].filter((part) => part !== null)
  return colors.yellow(parts.join(', '))
}
