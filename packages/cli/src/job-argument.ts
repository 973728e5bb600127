import { checkJobName } from '@cronwarden/core/plugin'
import { readJobHealth } from '@cronwarden/supabase-adapter'
import type { CommandContext } from './context.js'
import { UsageError } from './errors.js'

/** A `<job>` argument core would refuse (control characters, empty) is a usage error (exit 2). */
export function checkJobArgument(jobName: string): void {
  try {
    checkJobName(jobName)
  } catch (error) {
    throw new UsageError(`<job>: ${(error as Error).message}`)
  }
}

/** How many known names an unknown-job note lists before "and N more". */
const NAMES_SHOWN = 20

/**
 * The note for a job name the store has no record of, naming the jobs it does know so a
 * misspelling shows at a glance. `known` null: the names could not be read (the note says
 * only what is wrong).
 */
export function noteUnknownJob(context: CommandContext, name: string, known: readonly string[] | null): void {
  const { out } = context
  let list = ''
  if (known !== null) {
    const shown = known.slice(0, NAMES_SHOWN).map((job) => `"${job}"`)
    if (known.length > NAMES_SHOWN) shown.push(`and ${known.length - NAMES_SHOWN} more`)
    list = known.length === 0 ? ' (no jobs are recorded yet)' : ` (known jobs: ${shown.join(', ')})`
  }
  out.note(`${out.noteColors.red('unknown job:')} no runs recorded for "${name}"${list}`)
}

/**
 * Every job name the database has a record of, by name; null when they cannot be read (a
 * config's own store with no database): they only make an error message more helpful.
 */
export async function readKnownJobs(context: CommandContext): Promise<string[] | null> {
  try {
    const jobs = await readJobHealth({
      db: context.database(),
      recentRuns: 1,
      expiredWithinMs: 1,
      storeTimeoutMs: context.config.storeTimeoutMs,
    })
    return jobs.map((job) => job.job_name)
  } catch {
    return null
  }
}
