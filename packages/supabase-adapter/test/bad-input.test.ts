import { setTimeout as sleep } from 'node:timers/promises'
import { StoreError, silentLogger, withFailureAlerting } from '@cronwarden/core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore, purgeRuns } from '../src/index.js'
import { alertSpec, longRunningEvent } from './support/store-inputs.js'
import { createSupabaseDatabase, pgPool, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

describe.skipIf(!available)('bad input and broken connections', () => {
  let database: SupabaseDatabase
  let pool: pg.Pool

  beforeAll(async () => {
    database = await createSupabaseDatabase()
    pool = pgPool(database, 4)
  })
  afterAll(() => database?.drop())

  it('lists nothing for a job that never ran, and honours a zero limit', async () => {
    const store = createSupabaseStore({ db: pool })
    expect(await store.listRuns({ jobName: 'never-ran' })).toEqual([])
    await withFailureAlerting(async () => 1, { jobName: 'ran', store, logger: silentLogger })()
    expect(await store.listRuns({ jobName: 'ran', limit: 0 })).toEqual([])
  })

  it('stores an oversize error message cut to 8000 characters, saying how much was cut', async () => {
    const store = createSupabaseStore({ db: pool })
    const message = `${'a'.repeat(7900)}${'b'.repeat(2345)}`
    await expect(
      withFailureAlerting(
        async () => {
          throw new Error(message)
        },
        { jobName: 'oversize', store, logger: silentLogger },
      )(),
    ).rejects.toThrow(message)
    const [row] = await store.listRuns({ jobName: 'oversize' })
    // The marker is sized for the largest count it could show, so the text fits in 8000.
    expect(row?.error_message).toBe(`${'a'.repeat(7900)}${'b'.repeat(71)} [truncated 2274 characters]`)
  })

  it('stores NUL characters, which Postgres text cannot hold, as U+FFFD', async () => {
    const store = createSupabaseStore({ db: pool })
    await expect(
      withFailureAlerting(
        async (ctx) => {
          ctx.setSummary({ note: 'a\u0000b' })
          throw new Error('bad\u0000byte')
        },
        { jobName: 'nul', store, logger: silentLogger },
      )(),
    ).rejects.toThrow()
    const [row] = await store.listRuns({ jobName: 'nul' })
    expect(row).toMatchObject({ error_message: 'bad\uFFFDbyte', summary: { note: 'a\uFFFDb' } })
  })

  it('stores a summary whose keys and values hold NUL or a lone surrogate, which jsonb refuses, with U+FFFD', async () => {
    const store = createSupabaseStore({ db: pool })
    await withFailureAlerting(
      async (ctx) => {
        ctx.setSummary({ 'key\u0000': 'high \uD800 alone', 'low \uDC00': { nested: '\u0000' }, pair: '😀' })
      },
      { jobName: 'lone-surrogate', store, logger: silentLogger },
    )()
    const [row] = await store.listRuns({ jobName: 'lone-surrogate' })
    expect(row).toMatchObject({
      status: 'succeeded',
      summary: { 'key\uFFFD': 'high \uFFFD alone', 'low \uFFFD': { nested: '\uFFFD' }, pair: '😀' },
    })
  })

  it('rejects a bad db and unknown options, naming the field', () => {
    expect(() => createSupabaseStore({ db: {} as never })).toThrow(/db: expected a postgres\.js Sql/)
    expect(() => createSupabaseStore({ db: pool, schema: 'x' } as never)).toThrow(/schema: unknown option/)
  })

  it('purges finished rows and settled alert entries older than the retention, keeping running and pending ones', async () => {
    const store = createSupabaseStore({ db: pool })
    await withFailureAlerting(async () => 1, { jobName: 'old', store, logger: silentLogger })()
    await store.beginRun({
      jobName: 'old',
      runId: 'still-running',
      leaseMs: 60_000,
      exclusive: false,
      host: null,
      alert: null,
    })
    const event = longRunningEvent('old', 'still-running')
    const alert = { ...alertSpec, notifiers: ['log'], ttlMs: 60_000, claimMs: 0 }
    const settled = await store.enqueueAlert({ jobName: 'old', runId: 'still-running', event, alert })
    await store.recordAlertOutcome({ alertId: settled.alertId, claimToken: '', eventType: null, outcomes: [] })
    const pending = await store.enqueueAlert({ jobName: 'old', runId: 'still-running', event, alert })
    await pool.query(
      `update cronwarden.cron_execution_logs set started_at = started_at - interval '100 days' where job_name = 'old'`,
    )
    await pool.query(
      `update cronwarden.cron_alerts set created_at = created_at - interval '100 days' where job_name = 'old'`,
    )
    expect(await purgeRuns(pool, 90)).toBe(1)
    expect((await store.listRuns({ jobName: 'old' })).map((row) => row.run_id)).toEqual(['still-running'])
    expect((await store.listAlerts({ jobName: 'old' })).map((entry) => entry.alert_id)).toEqual([pending.alertId])
    await expect(purgeRuns(pool, 0)).rejects.toThrow(/days: expected an integer >= 1/)
  })

  it('hands back the job outcome when the connection dies mid-run, and the next run closes that run', async () => {
    const client = new pg.Client({ connectionString: database.url })
    client.on('error', () => {})
    await client.connect()
    const onInternalError = vi.fn()
    const leaseMs = 1_000
    const run = withFailureAlerting(
      async () => {
        // The database connection is cut while the job runs (a restart, a pooler failover).
        await pool.query('select pg_terminate_backend($1)', [(client as unknown as { processID: number }).processID])
        return 'reminders sent'
      },
      {
        jobName: 'cut-connection',
        store: createSupabaseStore({ db: client }),
        lock: { leaseMs },
        logger: silentLogger,
        onInternalError,
      },
    )
    await expect(run()).resolves.toBe('reminders sent')
    expect(onInternalError).toHaveBeenCalledWith(expect.any(StoreError))
    expect(onInternalError.mock.calls[0]?.[0]).toMatchObject({ operation: 'finishRun' })

    // The unrecorded run stays 'running' until its lease runs out; then it counts as abandoned.
    const store = createSupabaseStore({ db: pool })
    expect((await store.listRuns({ jobName: 'cut-connection' }))[0]?.status).toBe('running')
    await sleep(leaseMs + 200)
    await withFailureAlerting(async () => 'ok', {
      jobName: 'cut-connection',
      store,
      lock: { leaseMs },
      logger: silentLogger,
    })()
    expect((await store.listRuns({ jobName: 'cut-connection' })).map((row) => row.status)).toEqual([
      'succeeded',
      'abandoned',
    ])
  })
})
