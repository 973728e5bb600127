import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { listMigrations, MigrationError, type MigrationProgress, migrate } from '../src/index.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

describe('listMigrations', () => {
  it('lists the shipped SQL files in order, numbered from 0', async () => {
    const migrations = await listMigrations()
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index))
    expect(migrations.map((migration) => migration.name)).toEqual([
      '0000_migrations_table.sql',
      '0001_execution_log.sql',
      '0002_clip_error_like_core.sql',
      '0003_begin_run_repeatable.sql',
      '0004_log_indexes.sql',
      '0005_search_path_and_purge.sql',
      '0006_pg_cron_ingest_batches.sql',
      '0007_missed_streak_and_mute.sql',
    ])
    expect(migrations[1]?.sql).toContain('create table if not exists cronwarden.cron_execution_logs')
    expect(migrations[1]?.sql).toContain('create table if not exists cronwarden.cron_alerts')
  })
})

describe('migrate on PGlite', () => {
  const db = new PGlite()
  afterAll(() => db.close())

  it('applies every file once, and a second call is a no-op', async () => {
    const migrations = await listMigrations()
    const versions = migrations.map((migration) => migration.version)
    const events: MigrationProgress[] = []
    expect(await migrate(db, { onProgress: (event) => events.push(event) })).toEqual(versions)
    // Once per applied migration, before it is applied, with its place among them.
    expect(events).toEqual(migrations.map((migration, index) => ({ migration, index, total: migrations.length })))
    expect(await migrate(db, { onProgress: (event) => events.push(event) })).toEqual([])
    expect(events).toHaveLength(migrations.length)
    const { rows } = await db.query<{ version: number }>('select version from cronwarden.schema_migrations order by 1')
    expect(rows.map((row) => row.version)).toEqual(versions)
  })

  it('reports only the migrations it applies, and stops where onProgress throws', async () => {
    await db.exec('delete from cronwarden.schema_migrations where version >= 3')
    const later = (await listMigrations()).slice(3)
    const seen: string[] = []
    const stop = new Error('stop')
    const error = await migrate(db, {
      onProgress: ({ migration, index, total }) => {
        seen.push(`${index + 1}/${total} ${migration.name}`)
        if (index === 1) throw stop
      },
    }).catch((caught: unknown) => caught)
    expect(error).toBe(stop)
    expect(seen).toEqual([`1/${later.length} 0003_begin_run_repeatable.sql`, `2/${later.length} 0004_log_indexes.sql`])
    const { rows } = await db.query<{ version: number }>(
      'select max(version) as version from cronwarden.schema_migrations',
    )
    expect(rows[0]?.version).toBe(3)
    expect(await migrate(db)).toEqual(later.slice(1).map((migration) => migration.version))
  })

  it('refuses bad options with a RangeError naming the field', async () => {
    await expect(migrate(db, { onProgres: () => {} } as never)).rejects.toThrow(
      new RangeError('migrate: options.onProgres: unknown option (expected onProgress)'),
    )
    await expect(migrate(db, { onProgress: 'yes' } as never)).rejects.toThrow(
      new RangeError('migrate: onProgress: expected a function, got string'),
    )
    await expect(migrate(db, null as never)).rejects.toThrow(
      new RangeError('migrate: options: expected an object, got null'),
    )
  })
})

describe.skipIf(!available)('migrate on the PostgreSQL server', () => {
  let database: SupabaseDatabase
  let pool: pg.Pool
  beforeAll(async () => {
    database = await createSupabaseDatabase({ migrated: false })
    pool = new pg.Pool({ connectionString: database.url, max: 6 })
    // Dropping the test database ends idle connections; that is expected, not a failure.
    pool.on('error', () => {})
  })
  afterAll(async () => {
    await pool?.end()
    await database?.drop()
  })

  it('is safe when several processes migrate at once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(pool)))
    expect(results.every((applied) => Array.isArray(applied))).toBe(true)
    const { rows } = await pool.query('select count(*)::int as n from cronwarden.schema_migrations')
    expect(rows[0].n).toBe((await listMigrations()).length)
    expect(await migrate(pool)).toEqual([])
  })

  it('leaves the schema untouched when a migration fails, and names the file', async () => {
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    try {
      // Simulate a half-finished previous deploy: version 1 forgotten, and its table in the way
      // with an incompatible shape, so re-applying the file must fail as a whole.
      await client.query('delete from cronwarden.schema_migrations where version = 1')
      await client.query('alter table cronwarden.cron_execution_logs rename to cron_execution_logs_old')
      await client.query('create table cronwarden.cron_execution_logs (id int)')
      const error = await migrate(client).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(MigrationError)
      expect((error as MigrationError).message).toMatch(/^Migration 0001_execution_log\.sql failed: /)
      const { rows } = await client.query(
        'select count(*)::int as n from cronwarden.schema_migrations where version = 1',
      )
      expect(rows[0].n).toBe(0)
      // The session is usable afterwards: no transaction was left open.
      expect((await client.query('select 1 as ok')).rows[0].ok).toBe(1)
    } finally {
      await client.end()
    }
  })
})
