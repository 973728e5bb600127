import { checkCallOptions } from './call-options.js'
import { type Database, sqlRunner } from './database.js'
import { MigrationError } from './errors.js'
import { bundledMigrations } from './generated/migrations.js'

/** One shipped migration file, as listed by `listMigrations`. */
export interface Migration {
  /**
   * The number its file name starts with (`0001_...` is 1). Files apply in ascending order;
   * `migrate` records applied versions in `cronwarden.schema_migrations`.
   */
  version: number
  /** File name, e.g. `0001_execution_log.sql`. */
  name: string
  /** The file's SQL, the same text as the `.sql` file shipped in `migrations/`. */
  sql: string
}

// The SQL of migrations/*.sql compiled into the code (`pnpm migrations:generate`): a bundled
// app (esbuild, the Supabase Edge bundler) ships no migrations/ folder to read at run time.
const shipped: readonly Migration[] = bundledMigrations

/**
 * Both `migrate` and concurrent callers of it serialise on this transaction-scoped lock, and
 * so does the script `migrationScript` writes.
 */
export const MIGRATION_LOCK_KEY = 7_245_190_331

/** What `migrate` reports before it applies each pending migration. */
export interface MigrationProgress {
  /** The migration about to be applied. */
  migration: Migration
  /** Its position among the migrations this call applies, from 0. */
  index: number
  /** How many migrations this call applies (those not recorded yet). */
  total: number
}

/** Options of `migrate`. */
export interface MigrateOptions {
  /**
   * Called before each pending migration is applied, e.g. to print a progress line. A throw
   * stops `migrate` there: the migrations before it stay applied, that one is not.
   */
  onProgress?: (event: MigrationProgress) => void
}

/**
 * The migrations, in order: the same as the `.sql` files shipped in `migrations/`, which can
 * be copied into `supabase/migrations` instead of calling `migrate`.
 */
export async function listMigrations(): Promise<Migration[]> {
  // Copies, so a caller that edits what it got cannot change what `migrate` applies.
  return shipped.map((migration) => ({ ...migration }))
}

/**
 * Applies the shipped migrations that have not been applied yet. Each file runs as one
 * transaction, under an advisory transaction lock, and the files themselves are idempotent,
 * so running `migrate` twice, or twice at once, is safe. Returns the versions it applied.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<number[]> {
  checkCallOptions('migrate', options, ['onProgress'], ['onProgress'])
  const { onProgress } = options
  const runner = sqlRunner(db)
  const migrations = await listMigrations()
  const applied = await appliedVersions(runner)
  const pending = migrations.filter((migration) => !applied.has(migration.version))
  for (const [index, migration] of pending.entries()) {
    onProgress?.({ migration: { ...migration }, index, total: pending.length })
    try {
      // One simple-protocol message runs as one implicit transaction: all of it or none,
      // and no session is left inside a failed transaction block (pools reuse sessions).
      await runner.script(
        [
          `select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});`,
          migration.sql,
          `insert into cronwarden.schema_migrations (version, name) values (${migration.version}, '${migration.name}') on conflict (version) do nothing;`,
        ].join('\n'),
      )
    } catch (cause) {
      throw new MigrationError(migration.version, migration.name, { cause })
    }
  }
  return pending.map((migration) => migration.version)
}

async function appliedVersions(runner: ReturnType<typeof sqlRunner>): Promise<Set<number>> {
  const [exists] = await runner.rows(`select to_regclass('cronwarden.schema_migrations') is not null as present`, [])
  if (!exists?.present) return new Set()
  const rows = await runner.rows('select version from cronwarden.schema_migrations', [])
  return new Set(rows.map((row) => Number(row.version)))
}
