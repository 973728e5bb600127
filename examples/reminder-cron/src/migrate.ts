import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Db } from '../supabase/functions/_shared/db.ts'

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url))

// Any fixed number: it serialises migrators of this schema across processes.
const MIGRATION_LOCK = 7_263_001

/**
 * Applies the numbered files in `migrations/` that this database has not seen, in order. Each
 * file runs with its bookkeeping row in one implicit transaction under an advisory lock, so a
 * failed file leaves nothing behind and two migrators at once apply each file once.
 */
export async function migrate(db: Db): Promise<string[]> {
  // Under the lock too: two concurrent `create schema if not exists` can still collide.
  await db.exec(`
    select pg_advisory_xact_lock(${MIGRATION_LOCK});
    create schema if not exists reminders;
    create table if not exists reminders.schema_migrations (
      version text primary key,
      applied_at timestamptz not null default now()
    );
  `)
  const files = (await readdir(migrationsDir)).filter((name) => /^\d+_[a-z0-9_]+\.sql$/.test(name)).sort()
  const applied: string[] = []
  for (const file of files) {
    const version = file.replace(/\.sql$/, '')
    const { rows } = await db.query<{ version: string }>(
      'select version from reminders.schema_migrations where version = $1',
      [version],
    )
    if (rows.length > 0) continue
    const sql = await readFile(`${migrationsDir}${file}`, 'utf8')
    // The insert comes right after the lock: a second migrator that waited on the lock fails
    // on the primary key there, before running the file again, and its transaction rolls back.
    try {
      await db.exec(
        `select pg_advisory_xact_lock(${MIGRATION_LOCK});
         insert into reminders.schema_migrations (version) values ('${version}');
         ${sql}`,
      )
      applied.push(version)
    } catch (error) {
      if (isUniqueViolation(error)) continue
      throw error
    }
  }
  return applied
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}
