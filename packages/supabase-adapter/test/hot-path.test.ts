// The store's hot path on the real server: one round trip per call through postgres.js with
// `prepare: false`, finishes that are HOT updates (with or without an alert entry), the job
// lock's isolation requirement, the open-run count and its healing.
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js'
import { alertSpec as alert, claimSlackAlerts } from './support/store-inputs.js'
import { createSupabaseDatabase, pgPool, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

const begin = (jobName: string, runId = randomUUID()) => ({
  jobName,
  runId,
  leaseMs: 60_000,
  exclusive: true,
  host: 'test-host',
  alert: null,
})
const finish = (jobName: string, runId: string) => ({
  jobName,
  runId,
  status: 'succeeded' as const,
  errorMessage: null,
  summary: null,
  alert: null,
})

describe.skipIf(!available)('the store hot path on the PostgreSQL server', () => {
  let database: SupabaseDatabase
  let pool: pg.Pool

  beforeAll(async () => {
    database = await createSupabaseDatabase()
    pool = pgPool(database, 3)
  })
  afterAll(() => database?.drop())

  const jobState = async (jobName: string) =>
    (await pool.query('select open_runs, open_since from cronwarden.cron_job_state where job_name = $1', [jobName]))
      .rows[0]

  describe('through postgres.js with prepare: false', () => {
    let counter: FaultProxy
    let sql: postgres.Sql

    beforeAll(async () => {
      counter = await startFaultProxy(database.url)
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

    it('writes the alert entry with a failing finish in the same round trip', async () => {
      const store = createSupabaseStore({ db: sql })
      const input = { ...begin('one-round-trip-alert'), alert }
      counter.reset()
      await store.beginRun(input)
      expect(counter.counts()).toEqual({ Q: 1 })
      counter.reset()
      const finished = await store.finishRun({ ...finish(input.jobName, input.runId), status: 'failed', alert })
      expect(counter.counts()).toEqual({ Q: 1 })
      expect(finished?.alert).toMatchObject({ runId: input.runId, notifiers: [{ notifier: 'slack' }] })
      expect(finished?.alert?.claimToken).toMatch(/^[0-9a-f-]{36}$/)
    })

    it('passes quotes, backslashes and non-ASCII text through the literals unchanged', async () => {
      const store = createSupabaseStore({ db: sql })
      const jobName = `it's a \\ "job" — ✓ ${"'; drop table cronwarden.cron_job_state; --"}`
      const input = { ...begin(jobName), host: "host\\'s" }
      await store.beginRun(input)
      await store.finishRun({ ...finish(jobName, input.runId), status: 'failed', errorMessage: "E'\\x41' and ''" })
      const [run] = await store.listRuns({ jobName })
      expect(run).toMatchObject({ job_name: jobName, host: "host\\'s", error_message: "E'\\x41' and ''" })
      expect(await jobState(jobName)).toEqual({ open_runs: 0, open_since: null })
    })
  })

  it('hands back each written entry exactly as a claim reads it from the table later', async () => {
    const store = createSupabaseStore({ db: pool })
    const jobName = 'written-entries'
    const spec = { ...alert, notifiers: ['slack', 'e\u0000mail'], ttlMs: 60_000, claimMs: 1 }
    const input = begin(jobName)
    await store.beginRun(input)
    const finished = await store.finishRun({ ...finish(jobName, input.runId), status: 'failed', alert: spec })
    const event = {
      type: 'long_running' as const,
      job_name: jobName,
      run_id: input.runId,
      occurred_at: new Date().toISOString(),
      started_at: new Date().toISOString(),
      max_runtime_ms: 1,
      running_for_ms: 2,
      last_success_at: '\uD800',
    }
    const enqueued = await store.enqueueAlert({ jobName, runId: input.runId, event, alert: spec })
    // Later than the runs above: a time at or before the job's latest run is never missed.
    const expectedAt = new Date(Date.UTC(2100, 0, 5, 6))
    const missed = await store.recordMissedRun({
      jobName,
      runId: `missed:${jobName}`,
      expectedAt,
      detectedAt: expectedAt,
      errorMessage: 'missed',
      missed: { schedule: '0 6 * * *', timezone: 'UTC', lastRunAt: null },
      alert: spec,
    })
    const claimed = await claimSlackAlerts(store, jobName)
    const written = [finished?.alert, enqueued, missed.alert]
    const withoutClaim = ({ claimToken: _token, ...entry }: { claimToken: string }) => entry
    expect(claimed.map(withoutClaim)).toEqual(written.map((entry) => entry && withoutClaim(entry)))
    expect(claimed[0]?.notifiers.map((state) => state.notifier)).toEqual(['slack', 'e\uFFFDmail'])
  })

  /**
   * What one statement did to each table, by the transaction's statistics. Read before and
   * after it in one transaction: in PostgreSQL 15 the view also holds counts of this
   * connection's earlier transactions that were not flushed yet.
   */
  const tableCounts = async (client: pg.PoolClient) =>
    (
      await client.query(
        `select relname, n_tup_ins::int as inserted, n_tup_upd::int as updated, n_tup_hot_upd::int as hot,
           idx_tup_fetch::int as fetched, seq_tup_read::int as scanned
         from pg_stat_xact_user_tables where schemaname = 'cronwarden' order by relname`,
      )
    ).rows as Array<Record<string, number | string>>
  const measure = async (client: pg.PoolClient, call: string, params: unknown[]) => {
    await client.query('begin')
    const before = await tableCounts(client)
    const { rows: result } = await client.query(call, params)
    const after = await tableCounts(client)
    await client.query('commit')
    const changes = after
      .map((row, index) => {
        const previous = before[index] ?? {}
        return Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            key === 'relname' ? value : Number(value) - Number(previous[key] ?? 0),
          ]),
        )
      })
      .filter((row) => Object.entries(row).some(([key, value]) => key !== 'relname' && value !== 0))
    return { result: result[0]?.finished as unknown, changes }
  }
  const finishUpdates = async (call: string, params: unknown[]) => {
    const client = await pool.connect()
    try {
      const { result, changes } = await measure(client, call, params)
      return {
        result,
        rows: changes.map(({ relname, inserted, updated, hot }) => ({ relname, inserted, updated, hot })),
      }
    } finally {
      client.release()
    }
  }

  it('makes a finish a HOT update of the run and of the job row: nothing for VACUUM in the indexes', async () => {
    const store = createSupabaseStore({ db: pool })
    const input = begin('hot-finish')
    await store.beginRun(input)
    // With an alert spec, but a success after nothing failed writes no entry.
    const { result, rows } = await finishUpdates(
      `select cronwarden.finish_run($1, $2, 'succeeded', null, null, $3::jsonb) as finished`,
      [input.jobName, input.runId, JSON.stringify(alert)],
    )
    expect(result).toMatchObject({ transition: { status: 'succeeded' }, alert: null })
    expect(rows).toEqual([
      { relname: 'cron_execution_logs', inserted: 0, updated: 1, hot: 1 },
      { relname: 'cron_job_state', inserted: 0, updated: 1, hot: 1 },
    ])
  })

  it('keeps both updates HOT when the finish also writes an alert entry', async () => {
    const store = createSupabaseStore({ db: pool })
    const input = begin('hot-finish-alert')
    await store.beginRun(input)
    const { result, rows } = await finishUpdates(
      `select cronwarden.finish_run($1, $2, 'failed', 'boom', null, $3::jsonb) as finished`,
      [input.jobName, input.runId, JSON.stringify(alert)],
    )
    expect(result).toMatchObject({ transition: { status: 'failed' }, alert: { alert_id: expect.any(String) } })
    expect(rows).toEqual([
      { relname: 'cron_alerts', inserted: 1, updated: 0, hot: 0 },
      { relname: 'cron_execution_logs', inserted: 0, updated: 1, hot: 1 },
      { relname: 'cron_job_state', inserted: 0, updated: 1, hot: 1 },
    ])
  })

  it('finds the run to finish by its primary key, with a plan cached while the table was empty', async () => {
    const jobName = 'long-history'
    const client = await pool.connect()
    try {
      // PL/pgSQL caches a generic plan after a few calls on this connection.
      for (let i = 0; i < 20; i++) {
        await client.query(`select cronwarden.begin_run($1, $2, 60000, true, null)`, [jobName, `warm-${i}`])
        await client.query(`select cronwarden.finish_run($1, $2, 'succeeded', null, null)`, [jobName, `warm-${i}`])
      }
      await client.query(
        `insert into cronwarden.cron_execution_logs (run_id, job_name, status, started_at, finished_at, duration_ms)
         select 'history-' || n, $1, 'succeeded', now() - n * interval '1 minute', now() - n * interval '1 minute', 0
         from generate_series(1, 5000) as n`,
        [jobName],
      )
      await client.query(`select cronwarden.begin_run($1, 'last', 60000, true, null)`, [jobName])
      const { changes } = await measure(
        client,
        `select cronwarden.finish_run($1, 'last', 'succeeded', null, null) as finished`,
        [jobName],
      )
      // Through the job's index it read all 5,000 of the job's rows to update one.
      expect(changes.find((row) => row.relname === 'cron_execution_logs')).toMatchObject({ fetched: 1, scanned: 0 })
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
