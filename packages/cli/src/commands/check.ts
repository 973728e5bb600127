import { checkMissedRuns } from '@cronwarden/core'
import { checkPgCronRuns } from '@cronwarden/supabase-adapter'
import { createCommandLogger } from '../command-logger.js'
import type { CommandContext } from '../context.js'
import { UsageError } from '../errors.js'

/**
 * One pass of missed-run detection over the config's scheduled `jobs` and of pg_cron trigger
 * ingestion over its `pgCronJobs`, each delivering what it decides. Exit 1 when a delivery
 * failed (the alert stays owed), so a scheduler notices.
 */
export async function check(context: CommandContext, options: { verbose: boolean }): Promise<number> {
  const { config, out } = context
  const jobs = config.jobs ?? []
  const pgCronJobs = config.pgCronJobs ?? []
  if (jobs.length === 0 && pgCronJobs.length === 0) {
    throw new UsageError(
      `check: nothing to check: add \`jobs\` (with schedules) or \`pgCronJobs\` to ${context.configPath ?? 'cronwarden.config.ts (none found)'}`,
    )
  }
  const logger = createCommandLogger(out, options.verbose)
  const delivery = {
    notifiers: config.notifiers,
    notifyTimeoutMs: config.notifyTimeoutMs,
    storeTimeoutMs: config.storeTimeoutMs,
    logger,
  }
  const missed =
    jobs.length > 0 ? await checkMissedRuns({ store: context.store(), jobs, ...delivery }) : { recorded: 0, events: [] }
  const pgCron =
    pgCronJobs.length > 0
      ? await checkPgCronRuns({ db: context.database(), jobs: pgCronJobs, ...delivery })
      : { recorded: 0, events: [] }
  if (out.json) {
    out.printJson({
      missed_runs: { checked: jobs.length, recorded: missed.recorded, events: missed.events },
      pg_cron: { checked: pgCronJobs.length, recorded: pgCron.recorded, events: pgCron.events },
      errors: logger.errors,
    })
  } else {
    for (const event of [...missed.events, ...pgCron.events])
      out.line(`${event.type}: ${event.job_name} (run ${event.run_id})`)
    out.line(
      `Checked ${jobs.length} scheduled job(s) and ${pgCronJobs.length} pg_cron job(s): ` +
        `${missed.recorded} missed time(s) and ${pgCron.recorded} pg_cron run(s) recorded, ` +
        `${missed.events.length + pgCron.events.length} alert(s) sent` +
        `${logger.errors > 0 ? `, ${logger.errors} error(s)` : ''}.`,
    )
  }
  return logger.errors > 0 ? 1 : 0
}
