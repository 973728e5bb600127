import { checkCallOptions } from './call-options.js'
import { type Database, sqlRunner } from './database.js'
import { MigrationError } from './errors.js'
import { bundledMigrations } from './generated/migrations.js'
import { appliedHereQuery, migrationBlock } from './migration-block.js'

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
 * What `migrate` reports before each migration it found not recorded. With another caller
 * migrating at the same time, that caller may apply it first; this one then skips it.
 */
export interface MigrationProgress {
  /** The migration about to be applied. */
  migration: Migration
  /** Its position among the migrations this call found not recorded, from 0. */
  index: number
  /** How many migrations this call found not recorded when it started. */
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
 * Applies the shipped migrations that have not been applied yet. Each one runs as one
 * transaction that takes an advisory lock, checks `cronwarden.schema_migrations` under it,
 * and applies and records the migration only if its version is not recorded (the same block
 * as in `migrationScript`). So running `migrate` twice, twice at once, or after a caller that
 * started earlier and is still going, applies every file once, in order.
 *
 * Returns the versions this call applied. With concurrent callers each version is in exactly
 * one caller's result: a caller that found a version applied by another one when it got the
 * lock leaves it out (and `[]` means this call changed nothing, not that the schema was
 * already current when it was called).
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<number[]> {
  checkCallOptions('migrate', options, ['onProgress'], ['onProgress'])
  const { onProgress } = options
  const runner = sqlRunner(db)
  const migrations = await listMigrations()
  // Only a shortcut: outside the lock it may be stale, so each block below decides again.
  const recorded = await appliedVersions(runner)
  const pending = migrations.filter((migration) => !recorded.has(migration.version))
  const applied: number[] = []
  for (const [index, migration] of pending.entries()) {
    onProgress?.({ migration: { ...migration }, index, total: pending.length })
    try {
      // One simple-protocol message runs as one implicit transaction: all of it or none,
      // and no session is left inside a failed transaction block (pools reuse sessions).
      const [row] = await runner.script(`${migrationBlock(migration)}\n${appliedHereQuery(migration)}`)
      if (row?.applied === true) applied.push(migration.version)
    } catch (cause) {
      throw new MigrationError(migration.version, migration.name, { cause })
    }
  }
  return applied
}
async function appliedVersions(runner: ReturnType<typeof sqlRunner>): Promise<Set<number>> {
  const [exists] = await runner.rows(`select to_regclass('cronwarden.schema_migrations') is not null as present`, [])
  if (!exists?.present) return new Set()
  const rows = await runner.rows('select version from cronwarden.schema_migrations', [])
  return new Set(rows.map((row) => Number(row.version)))
}
