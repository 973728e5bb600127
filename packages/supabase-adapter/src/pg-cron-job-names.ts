import { type OptionIssue, OptionsError, StoreError } from '@cronwarden/core'
import { boundCall } from '@cronwarden/core/plugin'
import type { SqlRunner } from './database.js'

/** How many of the jobs in cron.job an error lists; the rest are counted. */
const LISTED = 20

/** Where a pg_cron job's name came from in `checkPgCronRuns({ jobs })`, for the error's path. */
export interface NamedPgCronJob {
  pgCronJob: string
  /** `jobs.1` for a name given as a string, `jobs.1.pgCronJob` for one in an object. */
  path: string
}

/**
 * Refuses pg_cron job names that `cron.job` does not have, with an `OptionsError` naming each
 * and listing the jobs there (the first 20, by name): a misspelt name would otherwise watch
 * nothing, silently, forever. One small query; the listing is read only when a name is
 * missing. Checked on every call, since jobs come and go (`cron.schedule`, `cron.unschedule`).
 * Without a `cron.job` table (no pg_cron) it checks nothing: the ingestion that follows says
 * what is missing. Bounded by `timeoutMs` as part of the ingestion (`StoreError`,
 * `operation: 'ingestPgCron'`), whose first read of pg_cron's tables it is.
 */
export async function checkPgCronJobNames(
  sql: SqlRunner,
  jobs: readonly NamedPgCronJob[],
  subject: string,
  timeoutMs: number,
): Promise<void> {
  const names = [...new Set(jobs.map((job) => job.pgCronJob))]
  const found = await boundCall('ingestPgCron', timeoutMs, () =>
    sql.rows('select jobname::text as name from cron.job where jobname::text = any($1::text[])', [names], {
      safeToRepeat: true,
    }),
  ).catch((cause: unknown) => {
    if (isUndefinedTable(cause)) return null
    throw new StoreError('ingestPgCron', { cause })
  })
  if (found === null) return
  const known = new Set(found.map((row) => row.name as string))
  const unknown = jobs.filter((job) => !known.has(job.pgCronJob))
  if (unknown.length === 0) return

  const [listing] = await boundCall('ingestPgCron', timeoutMs, () =>
    sql.rows(
      `select array(select jobname::text from cron.job where jobname is not null order by 1 limit ${LISTED}) as names,
              (select count(*) from cron.job where jobname is not null)::integer as total`,
      [],
      { safeToRepeat: true },
    ),
  ).catch((cause: unknown) => {
    throw new StoreError('ingestPgCron', { cause })
  })
  const there = (listing?.names as string[] | undefined) ?? []
  const total = Number(listing?.total ?? 0)
  const list =
    total === 0
      ? 'cron.job has no named jobs'
      : `cron.job has: ${there.join(', ')}${total > there.length ? `, and ${total - there.length} more` : ''}`
  const issues: OptionIssue[] = unknown.map((job) => ({
    path: job.path,
    message:
      `no pg_cron job named ${JSON.stringify(job.pgCronJob)} in cron.job (which shows a role only its own jobs: ` +
      `connect as the role that scheduled them); ${list}`,
  }))
  throw new OptionsError(subject, issues)
}

// undefined_table: no cron.job, because pg_cron is not installed in this database.
function isUndefinedTable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '42P01'
}
