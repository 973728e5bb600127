// The store's hot path on the real server: one round trip per call through postgres.js with
// `prepare: false`, finishes that are HOT updates, the job lock's isolation requirement, the
// open-run count (healing, and carried over from installs older than migration 0004).
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSupabaseStore, listMigrations, migrate } from '../src/index.js'
import { createTestDatabase, serverAvailable, type TestDatabase } from './support/postgres-server.js'
import { type ProtocolCounter, startProtocolCounter } from './support/protocol-counter.js'

const available = await serverAvailable()

const begin = (jobName: string, runId = randomUUID()) => ({
  jobName,
  runId,
  leaseMs: 60_000,
  exclusive: true,
  host: 'test-host',
})
const finish = (jobName: string, runId: string) => ({
  jobName,
  runId,
  status: 'succeeded' as const,
  errorMessage: null,
  summary: null,
})

describe.skipIf(!available)('the store hot path on the PostgreSQL server', () => {
  let database: TestDatabase
  let pool: pg.Pool

  beforeAll(async () => {
    database = await createTestDatabase()
    pool = new pg.Pool({ connectionString: database.url, max: 3 })
    // Dropping the test database ends idle connections; that is expected, not a failure.
    pool.on('error', () => {})
    await migrate(pool)
  })
  afterAll(async () => {
    await pool?.end()
    await database?.drop()
  })

  const jobState = async (jobName: string) =>
    (await pool.query('select open_runs, open_since from cronwarden.cron_job_state where job_name = $1', [jobName]))
      .rows[0]

  describe('through postgres.js with prepare: false', () => {
    let counter: ProtocolCounter
    let sql: postgres.Sql

    beforeAll(async () => {
      counter = await startProtocolCounter(database.url)
      sql = postgres(counter.url, { prepare: false, max: 1, onnotice: () => {} })
      await sql`select 1` // connect, and fetch postgres.js's type list
    })
    afterAll(async () => {
      await sql?.end()
      await counter?.close()
    })

    it('costs postgres.js a second round trip for a query with bind parameters (what the store avoids)', async () => {
      counter.reset()
      await sql.unsafe('select $1::integer as n', [1])
      expect(counter.counts()).toMatchObject({ H: 1, S: 1 })
    })

    it('makes each begin and finish one round trip: a single Query message', async () => {
      const store = createSupabaseStore({ db: sql })
      const input = begin('one-round-trip')
      counter.reset()
      await store.beginRun(input)
      expect(counter.counts()).toEqual({ Q: 1 })
      counter.reset()
      await store.finishRun(finish(input.jobName, input.runId))
      expect(counter.counts()).toEqual({ Q: 1 })
    })

    it('passes quotes, backslashes and non-ASCII text through the literals unchanged', async () => {
      const store = createSupabaseStore({ db: sql })
      const jobName = `it's a \\ "job" — ✓ ${"'; drop table cronwarden.cron_job_state; --"}`
      const input = { ...begin(jobName), host: "host\\'s" }
      await store.beginRun(input)
      await store.finishRun({ ...finish(jobName, input.runId), status: 'failed', errorMessage: "E'\\x41' and ''" })
      const [run] = await store.listRuns(jobName)
      expect(run).toMatchObject({ job_name: jobName, host: "host\\'s", error_message: "E'\\x41' and ''" })
      expect(await jobState(jobName)).toEqual({ open_runs: 0, open_since: null })
    })
  })

  it('makes a finish a HOT update of the run and of the job row: nothing for VACUUM in the indexes', async () => {
    const store = createSupabaseStore({ db: pool })
    const input = begin('hot-finish')
    await store.beginRun(input)
    const client = await pool.connect()
    try {
      await client.query('begin')
      await client.query(`select cronwarden.finish_run($1, $2, 'failed', 'boom', null)`, [input.jobName, input.runId])
      const { rows } = await client.query(
        `select relname, n_tup_upd::int as updated, n_tup_hot_upd::int as hot
         from pg_stat_xact_user_tables where schemaname = 'cronwarden' and n_tup_upd > 0 order by relname`,
      )
      await client.query('commit')
      expect(rows).toEqual([
        { relname: 'cron_execution_logs', updated: 1, hot: 1 },
        { relname: 'cron_job_state', updated: 1, hot: 1 },
      ])
    } finally {
      client.release()
    }
  })

  it('refuses to begin or finish inside a REPEATABLE READ transaction, where the job lock would not protect it', async () => {
    const client = await pool.connect()
    try {
      for (const call of [
        `select cronwarden.begin_run('strict', 'strict-1', 1000, true, null)`,
        `select cronwarden.finish_run('strict', 'strict-1', 'succeeded', null, null)`,
      ]) {
        await client.query('begin isolation level repeatable read')
        await expect(client.query(call)).rejects.toMatchObject({
          code: '25000',
          message: expect.stringContaining('needs READ COMMITTED, the transaction is repeatable read'),
        })
        await client.query('rollback')
      }
    } finally {
      client.release()
    }
  })

  it('counts open runs, and recounts them from the rows when the count is off', async () => {
    const store = createSupabaseStore({ db: pool })
    const first = begin('counted')
    await store.beginRun({ ...first, exclusive: false })
    const second = begin('counted')
    await store.beginRun({ ...second, exclusive: false })
    expect(await jobState('counted')).toMatchObject({ open_runs: 2 })

    await pool.query(`update cronwarden.cron_job_state set open_runs = 7 where job_name = 'counted'`)
    const third = begin('counted')
    await store.beginRun({ ...third, exclusive: false })
    expect(await jobState('counted')).toMatchObject({ open_runs: 3 })

    for (const run of [first, second, third]) await store.finishRun(finish(run.jobName, run.runId))
    expect(await jobState('counted')).toEqual({ open_runs: 0, open_since: null })
  })
})

describe.skipIf(!available)('upgrading an install from before migration 0004', () => {
  let database: TestDatabase
  let pool: pg.Pool

  beforeAll(async () => {
    database = await createTestDatabase()
    pool = new pg.Pool({ connectionString: database.url, max: 2 })
    pool.on('error', () => {})
  })
  afterAll(async () => {
    await pool?.end()
    await database?.drop()
  })

  it('keeps a run that was running across the upgrade as the lease holder, then closes it normally', async () => {
    for (const migration of (await listMigrations()).filter((file) => file.version < 4)) {
      await pool.query(migration.sql)
      await pool.query('insert into cronwarden.schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ])
    }
    // Begun by the 0003 functions, still running when 0004 arrives.
    await pool.query(`select cronwarden.begin_run('upgraded', 'before-upgrade', 60000, true, 'old-host')`)

    expect(await migrate(pool)).toEqual([4])
    const store = createSupabaseStore({ db: pool })
    const next = await store.beginRun(begin('upgraded'))
    expect(next).toMatchObject({ outcome: 'skipped', holderRunId: 'before-upgrade' })

    const closed = await store.finishRun(finish('upgraded', 'before-upgrade'))
    expect(closed).toMatchObject({ runId: 'before-upgrade', status: 'succeeded', consecutiveFailureCount: 0 })
    expect((await store.beginRun(begin('upgraded'))).outcome).toBe('started')
  })
})
