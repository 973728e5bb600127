export {
  type CheckPgCronRunsOptions,
  checkPgCronRuns,
  type PgCronCheckResult,
  type PgCronJob,
} from './check-pg-cron-runs.js'
export type { Database, PostgresJsClient, QueryClient } from './database.js'
export { MigrationError, VaultSecretError } from './errors.js'
export { listMigrations, type Migration, migrate } from './migrations.js'
export { purgeRuns } from './purge.js'
export { createSupabaseStore, type SupabaseStoreOptions } from './supabase-store.js'
export { vaultSecret } from './vault-secret.js'
