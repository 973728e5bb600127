import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { listMigrations, migrationScript } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder, inCaseFolder } from './support/config-case.js'

const available = await serverAvailable()

describe('migrate --print, with no database', () => {
  it('writes every migration as one SQL file that records each version it applies, connecting to nothing', async () => {
    await inCaseFolder(async (folder) => {
      // No config, no DATABASE_URL: --print must not need one.
      const result = await runCli(['migrate', '--print'], { cwd: folder.dir })
      expect(result.code).toBe(0)
      expect(result.stderr).toBe('')
      const migrations = await listMigrations()
      for (const migration of migrations) {
        expect(result.stdout).toContain(migration.name)
        expect(result.stdout).toMatch(new RegExp(`schema_migrations[\\s\\S]*\\b${migration.version}\\b`))
      }
    })
  })
})

describe('migrate --output-dir, with no database', () => {
  // The Supabase CLI applies supabase/migrations/<timestamp>_<name>.sql in timestamp order and
  // refuses a file older than the newest one it applied: the name carries the current UTC time.
  const utcStamp = (date: Date) => date.toISOString().replace(/\D/g, '').slice(0, 14)

  it('writes the script to <UTC timestamp>_cronwarden.sql in the folder, named with the current time, and prints its path', async () => {
    await inCaseFolder(async (folder) => {
      await mkdir(join(folder.dir, 'supabase', 'migrations'), { recursive: true })
      const before = utcStamp(new Date())
      const result = await runCli(['migrate', '--output-dir', 'supabase/migrations'], { cwd: folder.dir })
      const after = utcStamp(new Date())
      expect(result.code).toBe(0)
      expect(result.stderr).toBe('')
      const files = await readdir(join(folder.dir, 'supabase', 'migrations'))
      expect(files).toHaveLength(1)
      const [file = ''] = files
      expect(file).toMatch(/^\d{14}_cronwarden\.sql$/)
      expect(file.slice(0, 14) >= before && file.slice(0, 14) <= after).toBe(true)
      expect(result.stdout).toBe(`${join('supabase/migrations', file)}\n`)
      expect(await readFile(join(folder.dir, 'supabase', 'migrations', file), 'utf8')).toBe(await migrationScript())
    })
  })

  it('refuses a folder that does not exist with exit code 2, naming the flag, and writes nothing', async () => {
    await inCaseFolder(async (folder) => {
      const result = await runCli(['migrate', '--output-dir', 'supabase/migrations'], { cwd: folder.dir })
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/--output-dir: .*supabase\/migrations.* (does not exist|is not a folder)/)
      expect(await readdir(folder.dir)).toEqual([])
    })
  })

  it('never overwrites a file of the same name: exit code 2, the file left as it was', async () => {
    await inCaseFolder(async (folder) => {
      const dir = join(folder.dir, 'migrations')
      await mkdir(dir)
      // Every name the command could pick while it runs (it starts within seconds).
      const start = Date.now()
      const taken = Array.from(
        { length: 30 },
        (_, second) => `${utcStamp(new Date(start + second * 1000))}_cronwarden.sql`,
      )
      for (const name of taken) await writeFile(join(dir, name), 'keep')
      const result = await runCli(['migrate', '--output-dir', 'migrations'], { cwd: folder.dir })
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/--output-dir: .*_cronwarden\.sql exists already/)
      expect((await readdir(dir)).sort()).toEqual(taken)
      for (const name of taken) expect(await readFile(join(dir, name), 'utf8')).toBe('keep')
    })
  })

  it('refuses --print together with --output-dir', async () => {
    await inCaseFolder(async (folder) => {
      const result = await runCli(['migrate', '--print', '--output-dir', '.'], { cwd: folder.dir })
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/--print.*--output-dir|--output-dir.*--print/)
      expect(result.stdout).toBe('')
    })
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
