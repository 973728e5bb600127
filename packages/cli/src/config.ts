import type { ExecutionLogStore, Notifier, ScheduledJob } from '@cronwarden/core'
import type { Database, PgCronJob } from '@cronwarden/supabase-adapter'

/**
 * What `cronwarden.config.ts` (or `.js`) exports: the same objects an application builds for
 * `withFailureAlerting`, so the command sees the jobs, store and channels the jobs use.
 * Every key is optional: `migrate`, `status`, `runs` and `purge` need only a database.
 */
export interface CronwardenConfig {
  /**
   * The Postgres connection string (`SUPABASE_DB_URL`, or the pooler on 6543). The command
   * opens one postgres.js connection (`prepare: false`, so poolers work) and closes it.
   * `--database-url` wins over it; it wins over `DATABASE_URL`.
   */
  databaseUrl?: string
  /** A client the config already opened, instead of `databaseUrl`: postgres.js, node-postgres or PGlite. */
  db?: Database
  /**
   * The execution log `deliver`, `check` and `runs` use. Default: the Postgres store on the
   * database. Any `ExecutionLogStore` works; `status` and `report` still read Postgres.
   */
  store?: ExecutionLogStore
  /** The channels `test-alert`, `deliver` and `check` send through; names must be unique. */
  notifiers?: Notifier[]
  /** Jobs with schedules, for `check`'s missed-run pass (as `checkMissedRuns` takes them). */
  jobs?: ScheduledJob[]
  /** pg_cron jobs, for `check`'s trigger pass (as `checkPgCronRuns` takes them). */
  pgCronJobs?: Array<string | PgCronJob>
  /** Per notifier and event, as for `withFailureAlerting`. Default 5000. */
  notifyTimeoutMs?: number
  /** Per database call, as for `withFailureAlerting`. Default 10 000. */
  storeTimeoutMs?: number
}

/**
 * Types a config file's export, nothing more:
 * `export default defineConfig({ databaseUrl: process.env.DATABASE_URL, notifiers: [...] })`.
 */
export function defineConfig(config: CronwardenConfig): CronwardenConfig {
  return config
}
