import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  generatedFile,
  orderMigrationNames,
  readMigrationFiles,
  regenerateCommand,
  renderMigrationsModule,
} from '../scripts/migrations-module.js'
import { listMigrations, type Migration } from '../src/index.js'

/** Imports a rendered module the way a bundle would run it: as plain JavaScript. */
async function importRendered(migrations: readonly Migration[]): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'cronwarden-generated-'))
  try {
    const file = join(dir, 'migrations.mjs')
    await writeFile(file, renderMigrationsModule(migrations))
    const module: { bundledMigrations: unknown } = await import(pathToFileURL(file).href)
    return module.bundledMigrations
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('src/generated/migrations.ts', () => {
  it('is what migrations:generate writes from the .sql files', async () => {
    const [expected, checkedIn] = await Promise.all([
      readMigrationFiles().then(renderMigrationsModule),
      readFile(generatedFile, 'utf8'),
    ])
    expect(checkedIn, `src/generated/migrations.ts is out of date with migrations/: run \`${regenerateCommand}\``).toBe(
      expected,
    )
  })

  it('gives listMigrations exactly the .sql files on disk, in order', async () => {
    expect(await listMigrations()).toEqual(await readMigrationFiles())
  })
})

describe('renderMigrationsModule', () => {
  it('keeps backslashes, backticks, ${, carriage returns and non-ASCII text as they are in the file', async () => {
    const migrations = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ in the SQL is the case under test
      { version: 0, name: '0000_a.sql', sql: "select E'a\\nb', '`x`', '${y}', '$$', '\\`';\r\n-- é ✓ \u2028\n" },
      { version: 1, name: '0001_b.sql', sql: '' },
    ]
    expect(await importRendered(migrations)).toEqual(migrations)
  })
})

describe('orderMigrationNames', () => {
  it('orders the .sql files by name and leaves other files out', () => {
    expect(orderMigrationNames(['0002_c.sql', 'README.md', '0000_a.sql', '0001_b.sql'])).toEqual([
      '0000_a.sql',
      '0001_b.sql',
      '0002_c.sql',
    ])
  })

  it('refuses a .sql file that migrate would not know how to number', () => {
    expect(() => orderMigrationNames(['0000_a.sql', '0001-b.sql', 'extra.sql'])).toThrow(
      'migration files must be named NNNN_lower_snake.sql: 0001-b.sql, extra.sql',
    )
  })

  it('refuses two files sharing a version, since migrate would apply only one of them', () => {
    expect(() => orderMigrationNames(['0001_b.sql', '0000_a.sql', '0001_a.sql'])).toThrow(
      'migration versions must be unique: 0001_b.sql',
    )
  })
})
