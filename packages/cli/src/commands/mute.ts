import type { ExecutionLogStore, JobRecord } from '@cronwarden/core'
import { boundCall, formatDuration } from '@cronwarden/core/plugin'
import type { CommandContext } from '../context.js'
import { UsageError } from '../errors.js'
import { timeOrDash } from '../format.js'
import { checkJobArgument, noteUnknownJob, readKnownJobs } from '../job-argument.js'
import { parseDuration, parseFutureTime } from '../parse-duration.js'

export interface MuteOptions {
  /** `--for`, as typed: `30m`, `2h`, `1d`, `90s`. */
  for?: string
  /** `--until`, as typed: an ISO 8601 time with a zone. */
  until?: string
}

/**
 * Mutes a job's alerts for a while or until a time: alerts decided meanwhile are recorded
 * `muted` with their event and never sent, and the streak keeps counting. Exit 1 for a job
 * the store has never seen (a misspelt mute would silence nothing and look done).
 */
export async function mute(context: CommandContext, jobName: string, options: MuteOptions): Promise<number> {
  checkJobArgument(jobName)
  const now = context.now()
  let until: Date
  if (options.for !== undefined) until = new Date(now.getTime() + parseDuration('--for', options.for))
  else if (options.until !== undefined) until = parseFutureTime('--until', options.until, now)
  else throw new UsageError('mute: say how long: --for <duration> (e.g. 2h) or --until <ISO time>')

  const store = context.store()
  if ((await readJob(context, store, jobName)) === null) return refuseUnknown(context, jobName)
  await boundCall('muteJob', context.config.storeTimeoutMs, () => store.muteJob({ jobName, until }))

  const { out } = context
  const mutedUntil = until.toISOString()
  if (out.json) out.printJson({ job_name: jobName, muted_until: mutedUntil })
  else
    out.line(
      `Muted ${jobName} until ${mutedUntil} (${formatDuration(until.getTime() - now.getTime())}); ` +
        'alerts decided until then are recorded as muted, not sent.',
    )
  return 0
}

/** Ends a job's mute now; alerts recorded as muted meanwhile are not sent afterwards. */
export async function unmute(context: CommandContext, jobName: string): Promise<number> {
  checkJobArgument(jobName)
  const store = context.store()
  const job = await readJob(context, store, jobName)
  if (job === null) return refuseUnknown(context, jobName)
  await boundCall('muteJob', context.config.storeTimeoutMs, () => store.muteJob({ jobName, until: null }))

  const { out } = context
  if (out.json) out.printJson({ job_name: jobName, muted_until: null })
  else if (isMuted(job.muted_until, context.now()))
    out.line(
      `Unmuted ${jobName} (it was muted until ${job.muted_until}); its alerts are sent again. ` +
        'Alerts recorded as muted are not sent now.',
    )
  else out.line(`${jobName} was not muted; its alerts are sent as usual.`)
  return 0
}

/** Whether a job's `muted_until` still holds at `now` (a past time is a lapsed mute). */
export function isMuted(mutedUntil: string | null, now: Date): mutedUntil is string {
  return mutedUntil !== null && Date.parse(mutedUntil) > now.getTime()
}

/** `muted until 2026-12-01 14:00:00 UTC`, or null when the job is not muted now. */
export function describeMute(mutedUntil: string | null, now: Date): string | null {
  return isMuted(mutedUntil, now) ? `muted until ${timeOrDash(mutedUntil)}` : null
}

function readJob(context: CommandContext, store: ExecutionLogStore, jobName: string): Promise<JobRecord | null> {
  return boundCall('getJob', context.config.storeTimeoutMs, () => store.getJob({ jobName }))
}

async function refuseUnknown(context: CommandContext, jobName: string): Promise<number> {
  noteUnknownJob(context, jobName, await readKnownJobs(context))
  return 1
}
