// src/generated/migrations.ts: the SQL files of migrations/ as strings, so `migrate()` needs no
// file access and survives bundlers (esbuild, the Supabase Edge bundler) that ship code
// without the package's folders. migrations/ stays the source: people copy those files into
// supabase/migrations. Shared by `pnpm migrations:generate` and the drift test.
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Migration } from '../src/migrations.js'

export const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url))
export const generatedFile = fileURLToPath(new URL('../src/generated/migrations.ts', import.meta.url))
export const regenerateCommand = 'pnpm --filter @cronwarden/supabase-adapter migrations:generate'

const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/

/**
 * The files in order, checked: a misnamed `.sql` file would otherwise be left out of the
 * build without a word, and two files sharing a version would leave the second one unapplied
 * (`migrate` records versions, not names).
 */
export function orderMigrationNames(names: readonly string[]): string[] {
  const sqlNames = names.filter((name) => name.endsWith('.sql')).sort()
  const misnamed = sqlNames.filter((name) => !MIGRATION_NAME.test(name))
  if (misnamed.length > 0) throw new Error(`migration files must be named NNNN_lower_snake.sql: ${misnamed.join(', ')}`)
  // Sorted, so files sharing a version are neighbours.
  const repeated = sqlNames.filter((name, index) => index > 0 && sqlNames[index - 1]?.slice(0, 4) === name.slice(0, 4))
  if (repeated.length > 0) throw new Error(`migration versions must be unique: ${repeated.join(', ')}`)
  return sqlNames
}

/** The migration files on disk, in the order `migrate` applies them. */
export async function readMigrationFiles(): Promise<Migration[]> {
  const names = orderMigrationNames(await readdir(migrationsDir))
  return Promise.all(
    names.map(async (name) => ({
      version: Number(name.slice(0, 4)),
      name,
      sql: await readFile(migrationsDir + name, 'utf8'),
    })),
  )
}

/**
 * A template literal holds the SQL as is, so the generated file reads like the SQL in a
 * review. Escaped: what a template literal would interpret (`\`, a backtick, `${`) and `\r`,
 * which a template literal would turn into `\n`.
 */
function templateLiteral(text: string): string {
  return `\`${text.replace(/\\|`|\$\{|\r/g, (match) => (match === '\r' ? '\\r' : `\\${match}`))}\``
}

/**
 * The module's text. Plain JavaScript that Biome leaves as it is, with no imports, so the
 * drift test can compare text and import it anywhere; src/migrations.ts gives it its type.
 */
export function renderMigrationsModule(migrations: readonly Migration[]): string {
  const entries = migrations.map((migration) =>
    [
      '  {',
      `    version: ${migration.version},`,
      `    name: '${migration.name}',`,
      `    sql: ${templateLiteral(migration.sql)},`,
      '  },',
    ].join('\n'),
  )
  return [
    `// Generated from migrations/*.sql by \`${regenerateCommand}\`; do not edit.`,
    '',
    'export const bundledMigrations = [',
    ...entries,
    ']',
    '',
  ].join('\n')
}
