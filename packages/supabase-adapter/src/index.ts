export {
  type CheckPgCronRunsOptions,
  checkPgCronRuns,
  type PgCronCheckResult,
  type PgCronJob,
} from './check-pg-cron-runs.js'
export type { Database, PostgresJsClient, QueryClient } from './database.js'
export { MigrationError, VaultSecretError } from './errors.js'
export { migrationScript } from './migration-script.js'
export {
  listMigrations,
  type MigrateOptions,
  type Migration,
  type MigrationProgress,
  migrate,
} from './migrations.js'
export { type PurgeRunsOptions, purgeRuns } from './purge.js'
export {
  type JobHealthRecord,
  type ReadJobHealthOptions,
  type RunCell,
  type RunningRun,
  readJobHealth,
} from './read-job-health.js'
export { createSupabaseStore, type SupabaseStoreOptions } from './supabase-store.js'
export { vaultSecret } from './vault-secret.js'
