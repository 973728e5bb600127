// The checked-in schema.sql: what `pg_dump --schema-only` prints for a freshly migrated
// database, without the lines that name the server's or pg_dump's version, so the file only
// changes when the schema does. Shared by `pnpm schema:dump` and test/schema.test.ts.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createSupabaseDatabase } from '../test/support/supabase-database.js'

const run = promisify(execFile)

export const schemaFile = fileURLToPath(new URL('../schema.sql', import.meta.url))
export const regenerateCommand = 'pnpm --filter @cronwarden/supabase-adapter schema:dump'

/** Lines that differ between PostgreSQL builds, not between schemas. */
const VERSION_SPECIFIC = [
  /^-- Dumped from database version .*$/,
  /^-- Dumped by pg_dump version .*$/,
  // pg_dump 15.14+ fences its output with a random key, new on every run.
  /^\\(un)?restrict .*$/,
]

export function normaliseDump(dump: string): string {
  const lines = dump.split('\n').filter((line) => !VERSION_SPECIFIC.some((pattern) => pattern.test(line)))
  const body = lines
    .join('\n')
    .trim()
    .replace(/\n{3,}/g, '\n\n')
  return `-- Generated from migrations/ by \`${regenerateCommand}\`; do not edit.\n${body}\n`
}

/** Migrates a new database on the server, dumps its `cronwarden` schema, and drops it. */
export async function dumpMigratedSchema(): Promise<string> {
  const database = await createSupabaseDatabase({ prefix: 'cw_schema' })
  try {
    return await dumpSchema(database.url)
  } finally {
    await database.drop()
  }
}

/** The `cronwarden` schema of the database at `url`, as schema.sql holds it. */
export async function dumpSchema(url: string): Promise<string> {
  const { stdout } = await run(
    'pg_dump',
    ['--schema-only', '--schema=cronwarden', '--no-owner', '--no-privileges', `--dbname=${url}`],
    { maxBuffer: 16 * 1024 * 1024 },
  )
  return normaliseDump(stdout)
}
