// migrationScript: every migration in one SQL file for supabase/migrations/, applying only
// what cronwarden.schema_migrations does not record. Run here as a client runs such a file:
// one multi-statement text through the simple protocol.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { dumpMigratedSchema, dumpSchema } from '../scripts/schema-dump.js'
import { listMigrations, migrate, migrationScript } from '../src/index.js'
import { renderMigrationScript } from '../src/migration-script.js'
import { pgDumpAvailable } from './support/pg-dump.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const run = promisify(execFile)
const available = await serverAvailable()
const canDump = available && (await pgDumpAvailable('the migration script schema comparison'))

describe('migrationScript', () => {
  it('says what generated it and how to regenerate it, and holds every shipped migration', async () => {
    const script = await migrationScript()
    expect(script).toMatch(/^-- cronwarden migrations 0000-\d{4} as one script/)
    expect(script).toContain('`npx cronwarden migrate --output-dir supabase/migrations`')
    for (const migration of await listMigrations()) {
      expect(script).toContain(`-- ${migration.name}\n`)
      expect(script).toContain(migration.sql)
    }
  })

  it('refuses a migration whose text holds the dollar-quote tag it would be quoted with', () => {
    const migration = {
      version: 7,
      name: '0007_x.sql',
      sql: 'select $cronwarden_migration_0007_sql$ x $cronwarden_migration_0007_sql$;',
    }
    expect(() => renderMigrationScript([migration])).toThrow(
      'migrationScript: 0007_x.sql contains the dollar-quote tag $cronwarden_migration_0007_sql$',
    )
  })
})

describe.skipIf(!available)('migrationScript on the PostgreSQL server', () => {
  const databases: SupabaseDatabase[] = []
  const clients: pg.Client[] = []
  let script: string

  beforeAll(async () => {
    script = await migrationScript()
  })
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()))
    await Promise.all(databases.map((database) => database.drop()))
  })

  const freshDatabase = async () => {
    const database = await createSupabaseDatabase({ migrated: false })
    databases.push(database)
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    clients.push(client)
    return { database, client }
  }
  const recorded = async (client: pg.Client) =>
    (await client.query('select version from cronwarden.schema_migrations order by version')).rows.map(
      (row) => row.version as number,
    )
  const versions = async () => (await listMigrations()).map((migration) => migration.version)

  it('migrates a fresh database, after which migrate applies nothing; a second run changes nothing', async () => {
    const { client } = await freshDatabase()
    // A text without parameters goes through the simple protocol: every statement, in one transaction.
    await client.query(script)
    expect(await recorded(client)).toEqual(await versions())
    expect(await migrate(client)).toEqual([])
    const [before] = (
      await client.query('select count(*)::int as n, max(applied_at) as at from cronwarden.schema_migrations')
    ).rows
    await client.query(script)
    const [after] = (
      await client.query('select count(*)::int as n, max(applied_at) as at from cronwarden.schema_migrations')
    ).rows
    expect(after).toEqual(before)
    // The schema works: a run through the store's functions.
    await client.query(`select cronwarden.begin_run('script', 'script-1', 60000, true, null)`)
    await client.query(`select cronwarden.finish_run('script', 'script-1', 'succeeded', null, null)`)
    expect((await client.query('select cronwarden.job_health() as health')).rows[0].health).toMatchObject([
      { job_name: 'script', consecutive_failure_count: 0 },
    ])
  })

  it('runs harmlessly on a database migrate() already migrated', async () => {
    const { client } = await freshDatabase()
    await migrate(client)
    const before = (await client.query('select version, applied_at from cronwarden.schema_migrations order by 1')).rows
    await client.query(script)
    expect(
      (await client.query('select version, applied_at from cronwarden.schema_migrations order by 1')).rows,
    ).toEqual(before)
  })

  it('applies only the migrations not recorded, and records them', async () => {
    const { client } = await freshDatabase()
    const migrations = await listMigrations()
    // An older release's script, then the current one: only the new files run.
    await client.query(renderMigrationScript(migrations.slice(0, 4)))
    expect(await recorded(client)).toEqual([0, 1, 2, 3])
    expect(
      (await client.query(`select to_regprocedure('cronwarden.job_health(text[], integer, bigint)') as f`)).rows[0].f,
    ).toBeNull()
    await client.query(script)
    expect(await recorded(client)).toEqual(await versions())
    expect(
      (await client.query(`select to_regprocedure('cronwarden.job_health(text[], integer, bigint)') as f`)).rows[0].f,
    ).not.toBeNull()

    // A version recorded is skipped even if its objects are missing: the record is what counts.
    const other = await freshDatabase()
    await other.client.query(renderMigrationScript(migrations.slice(0, 1)))
    await other.client.query(
      `insert into cronwarden.schema_migrations (version, name) values (4, '0004_log_indexes.sql')`,
    )
    await other.client.query(script)
    expect(await recorded(other.client)).toEqual(await versions())
    // 0004's BRIN index (later files re-create its function, not its indexes).
    expect(
      (await other.client.query(`select to_regclass('cronwarden.cron_execution_logs_started_brin') as index`)).rows[0]
        .index,
    ).toBeNull()
  })

  // psql comes with pg_dump (postgresql-client).
  it.skipIf(!canDump)('also works from a file run by psql, which commits each statement on its own', async () => {
    const { database, client } = await freshDatabase()
    const dir = await mkdtemp(join(tmpdir(), 'cronwarden-script-'))
    try {
      const file = join(dir, 'cronwarden.sql')
      await writeFile(file, script)
      const psql = ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '-d', database.url, '-f', file]
      await run('psql', psql)
      await run('psql', psql)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    expect(await recorded(client)).toEqual(await versions())
    expect(await migrate(client)).toEqual([])
  })

  it.skipIf(!canDump)('leaves the schema migrate() leaves (pg_dump of both)', async () => {
    const { database, client } = await freshDatabase()
    await client.query(script)
    expect(await dumpSchema(database.url)).toBe(await dumpMigratedSchema())
  })
})
