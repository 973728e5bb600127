// A connection the server ended (pg_terminate_backend, a restart, a pooler failover) or whose
// reply the network lost: the next call must not fail on the corpse of the old connection,
// and no call may take effect twice because it was retried.
import { randomUUID } from 'node:crypto'
import { StoreError, silentLogger, withFailureAlerting } from '@cronwarden/core'
import pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore, type Database } from '../src/index.js'
import { startFaultProxy } from './support/fault-proxy.js'
import { alertSpec as alert, longRunningEvent } from './support/store-inputs.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

const rounds = 10

describe.skipIf(!available)("after the server ended the store's connection", () => {
  let database: SupabaseDatabase
  let admin: pg.Client

  beforeAll(async () => {
    database = await createSupabaseDatabase()
    admin = new pg.Client({ connectionString: database.url })
    await admin.connect()
    database.onDrop(() => admin.end())
  })
  afterAll(() => database?.drop())

  /** Ends every other session on the test database, as an operator or a failover would. */
  const terminateOthers = () =>
    admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
    )

  const runsAfterEachTermination = async (db: Database, jobName: string) => {
    const store = createSupabaseStore({ db })
    let ran = 0
    const run = withFailureAlerting(
      async () => {
        ran += 1
        return 'reminders sent'
      },
      { jobName, store, logger: silentLogger },
    )
    for (let round = 0; round < rounds; round++) {
      await terminateOthers()
      await expect(run(), `round ${round}`).resolves.toBe('reminders sent')
    }
    expect(ran).toBe(rounds)
    expect((await store.listRuns({ jobName })).map((row) => row.status)).toEqual(Array(rounds).fill('succeeded'))
  }

  it('runs and records the next call through postgres.js', async () => {
    const sql = postgres(database.url, { prepare: false, max: 3, onnotice: () => {} })
    try {
      await runsAfterEachTermination(sql, 'postgres-js')
    } finally {
      await sql.end({ timeout: 1 })
    }
  })

  it('runs and records the next call through a node-postgres Pool', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 3 })
    // Without a listener, node-postgres turns an idle client's death into an uncaught error.
    pool.on('error', () => {})
    try {
      await runsAfterEachTermination(pool, 'node-postgres-pool')
    } finally {
      await pool.end()
    }
  })

  it('refuses to run the job through a terminated node-postgres Client, which cannot reconnect', async () => {
    const client = new pg.Client({ connectionString: database.url })
    client.on('error', () => {})
    await client.connect()
    try {
      let ran = 0
      const run = withFailureAlerting(
        async () => {
          ran += 1
        },
        { jobName: 'node-postgres-client', store: createSupabaseStore({ db: client }), logger: silentLogger },
      )
      await run()
      await terminateOthers()
      const error = await run().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(StoreError)
      expect(error).toMatchObject({ operation: 'beginRun' })
      expect(ran).toBe(1)
    } finally {
      await client.end().catch(() => {})
    }
  })

  it('answers a begin repeated with the same run id as it did the first time, writing nothing twice', async () => {
    const store = createSupabaseStore({ db: admin })
    const begin = (jobName: string, runId: string) =>
      store.beginRun({ jobName, runId, leaseMs: 60_000, exclusive: true, host: 'host-a', alert })
    const holder = randomUUID()
    const first = await begin('repeated-begin', holder)
    expect(await begin('repeated-begin', holder)).toEqual(first)
    const skipped = randomUUID()
    const firstSkip = await begin('repeated-begin', skipped)
    expect(firstSkip).toMatchObject({ outcome: 'skipped', holderRunId: holder })
    expect(await begin('repeated-begin', skipped)).toEqual(firstSkip)

    const rows = await store.listRuns({ jobName: 'repeated-begin' })
    expect(rows.map((row) => [row.run_id, row.status])).toEqual([
      [skipped, 'skipped'],
      [holder, 'running'],
    ])
    const { rows: state } = await admin.query(
      "select open_runs from cronwarden.cron_job_state where job_name = 'repeated-begin'",
    )
    expect(state[0]?.open_runs).toBe(1)
  })

  it('counts a finish repeated for the same run once: the repeat finds the run closed', async () => {
    const store = createSupabaseStore({ db: admin })
    const runId = randomUUID()
    await store.beginRun({ jobName: 'repeated-finish', runId, leaseMs: 60_000, exclusive: true, host: null, alert })
    const finish = () =>
      store.finishRun({
        jobName: 'repeated-finish',
        runId,
        status: 'failed',
        errorMessage: 'boom',
        summary: null,
        alert,
      })
    expect((await finish())?.transition.consecutiveFailureCount).toBe(1)
    expect(await finish()).toBeNull()
    expect(await store.listAlerts({ jobName: 'repeated-finish' })).toHaveLength(1)
    expect((await store.listRuns({ jobName: 'repeated-finish' }))[0]?.consecutive_failure_count).toBe(1)
  })

  describe('through a network that loses the reply after the commit', () => {
    it('starts the job once when the reply to its begin was lost', async () => {
      const proxy = await startFaultProxy(database.url)
      const sql = postgres(proxy.url, { prepare: false, max: 2, onnotice: () => {} })
      try {
        let ran = 0
        const run = withFailureAlerting(
          async () => {
            ran += 1
            return 'reminders sent'
          },
          { jobName: 'lost-begin-reply', store: createSupabaseStore({ db: sql }), logger: silentLogger },
        )
        const lost = proxy.dropReplyTo('cronwarden.begin_run')
        await expect(run()).resolves.toBe('reminders sent')
        await lost
        expect(ran).toBe(1)
        const rows = await createSupabaseStore({ db: admin }).listRuns({ jobName: 'lost-begin-reply' })
        expect(rows.map((row) => row.status)).toEqual(['succeeded'])
      } finally {
        await sql.end({ timeout: 1 })
        await proxy.close()
      }
    })

    it('does not repeat a call that would take effect twice: a lost enqueueAlert reply rejects, one entry', async () => {
      const proxy = await startFaultProxy(database.url)
      const sql = postgres(proxy.url, { prepare: false, max: 2, onnotice: () => {} })
      try {
        const jobName = 'lost-enqueue-reply'
        const lost = proxy.dropReplyTo('cronwarden.enqueue_alert')
        const enqueued = createSupabaseStore({ db: sql }).enqueueAlert({
          jobName,
          runId: 'a-run',
          event: longRunningEvent(jobName, 'a-run'),
          alert,
        })
        await expect(enqueued).rejects.toThrow()
        await lost
        expect(await createSupabaseStore({ db: admin }).listAlerts({ jobName })).toHaveLength(1)
      } finally {
        await sql.end({ timeout: 1 })
        await proxy.close()
      }
    })
  })
})
