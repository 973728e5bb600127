import { listMigrations } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder } from './support/config-case.js'
import { createTestDatabase, serverAvailable, type TestDatabase } from './support/postgres-server.js'

const available = await serverAvailable()

describe('migrate --print, with no database', () => {
  it('writes every migration as one SQL file that records each version it applies, connecting to nothing', async () => {
    const folder = await createCaseFolder()
    try {
      // No config, no DATABASE_URL: --print must not need one.
      const result = await runCli(['migrate', '--print'], { cwd: folder.dir })
      expect(result.code).toBe(0)
      expect(result.stderr).toBe('')
      const migrations = await listMigrations()
      for (const migration of migrations) {
        expect(result.stdout).toContain(migration.name)
        expect(result.stdout).toMatch(new RegExp(`schema_migrations[\\s\\S]*\\b${migration.version}\\b`))
      }
    } finally {
      await folder.remove()
    }
  })
})

describe.skipIf(!available)('migrate on the PostgreSQL server', () => {
  let database: TestDatabase
  let printed: TestDatabase
  let folder: CaseFolder

  beforeAll(async () => {
    ;[database, printed, folder] = await Promise.all([createTestDatabase(), createTestDatabase(), createCaseFolder()])
  })
  afterAll(async () => {
    await Promise.all([database?.drop(), printed?.drop(), folder?.remove()])
  })

  it('applies every migration with a progress line per file on stderr, then applies nothing the second time', async () => {
    const migrations = await listMigrations()
    const first = await runCli(['migrate', '--database-url', database.url], { cwd: folder.dir })
    expect(first.code).toBe(0)
    for (const [index, migration] of migrations.entries())
      expect(first.stderr).toContain(`${migration.name} (${index + 1}/${migrations.length})`)
    expect(first.stdout).toBe(
      `Applied ${migrations.length} migration(s): ${migrations.map((migration) => migration.version).join(', ')}.\n`,
    )
    const [tables] = await database.sql`
      select to_regclass('cronwarden.cron_execution_logs') is not null as log,
             to_regclass('cronwarden.cron_alerts') is not null as alerts`
    expect(tables).toEqual({ log: true, alerts: true })

    const second = await runCli(['migrate'], { cwd: folder.dir, env: { DATABASE_URL: database.url } })
    expect(second).toEqual({ code: 0, stdout: 'Schema is up to date: nothing to apply.\n', stderr: '' })
  })

  it('prints only the applied versions as JSON with --json', async () => {
    const result = await runCli(['migrate', '--json', '--database-url', database.url], { cwd: folder.dir })
    expect(result.code).toBe(0)
    expect(parseJsonOutput(result)).toEqual({ applied: [] })
  })

  it('leaves nothing for migrate to apply after the --print file ran as a Supabase migration', async () => {
    const script = await runCli(['migrate', '--print'], { cwd: folder.dir })
    expect(script.code).toBe(0)
    // As `supabase db push` runs a migration file: the whole file, in one go.
    await printed.sql.unsafe(script.stdout)
    const migrations = await listMigrations()
    const recorded = await printed.sql`select version from cronwarden.schema_migrations order by version`
    expect(recorded.map((row) => Number(row.version))).toEqual(migrations.map((migration) => migration.version))

    const result = await runCli(['migrate', '--json', '--database-url', printed.url], { cwd: folder.dir })
    expect(result.code).toBe(0)
    expect(parseJsonOutput(result)).toEqual({ applied: [] })
    expect(result.stderr).toBe('')
  })

  it('runs the --print file a second time without error, as a re-applied migration would', async () => {
    const script = await runCli(['migrate', '--print'], { cwd: folder.dir })
    await expect(printed.sql.unsafe(script.stdout)).resolves.toBeDefined()
  })
})
