// Every store call is bounded by storeTimeoutMs, on the real server: a network that drops
// every packet or a lock another session holds costs the caller that long, not forever.
// The bounds asserted below are generous: they prove the call ended, not how fast.
import { setTimeout as sleep } from 'node:timers/promises'
import { StoreError, silentLogger, withFailureAlerting } from '@cronwarden/core'
import pg from 'pg'
import postgres from 'postgres'
import { describe, expect, it, vi } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { deferUntilAfterEach } from './support/after-each.js'
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

const storeTimeoutMs = 500
const endedWithin = storeTimeoutMs + 5_000

/** The call's outcome and how long it took to settle. */
async function settle<T>(call: () => Promise<T>): Promise<{ value?: T; error?: unknown; elapsedMs: number }> {
  const started = performance.now()
  try {
    const value = await call()
    return { value, elapsedMs: performance.now() - started }
  } catch (error) {
    return { error, elapsedMs: performance.now() - started }
  }
}

const expectTimedOut = (error: unknown, operation: string) => {
  expect(error).toBeInstanceOf(StoreError)
  expect(error).toMatchObject({ operation, cause: { name: 'StoreTimeoutError', timeoutMs: storeTimeoutMs } })
}

describe.skipIf(!available)('store calls bounded by storeTimeoutMs on the PostgreSQL server', () => {
  let db: SupabaseDatabase
  const defer = deferUntilAfterEach()

  const setUp = async () => {
    db = await createSupabaseDatabase()
    defer(() => db.drop())
    return db
  }

  /** The store on a postgres.js pool reaching the server through a proxy that can black-hole. */
  const throughProxy = async () => {
    const proxy: FaultProxy = await startFaultProxy((await setUp()).url)
    // postgres.js's end() waits forever for a query cut off by the network (porsager/postgres#1097).
    const sql = postgres(proxy.url, { prepare: false, max: 2, onnotice: () => {} })
    defer(async () => {
      await sql.end({ timeout: 1 })
      await proxy.close()
    })
    await sql`select 1` // a live connection, as a long-running worker has
    return { proxy, store: createSupabaseStore({ db: sql }) }
  }

  it('rejects with a StoreError for beginRun, without running the job, when the network drops everything', async () => {
    const { proxy, store } = await throughProxy()
    proxy.blackHole()
    const job = vi.fn(async () => 'reminders sent')
    const { error, elapsedMs } = await settle(
      withFailureAlerting(job, { jobName: 'black-hole', store, storeTimeoutMs, logger: silentLogger }),
    )
    expectTimedOut(error, 'beginRun')
    expect(job).not.toHaveBeenCalled()
    expect(elapsedMs).toBeLessThan(endedWithin)
  })

  it("hands back the job's result and reports finishRun to onInternalError when the network drops everything after the job", async () => {
    const { proxy, store } = await throughProxy()
    const onInternalError = vi.fn()
    const { value, elapsedMs } = await settle(
      withFailureAlerting(
        async () => {
          proxy.blackHole()
          return 'reminders sent'
        },
        { jobName: 'black-hole-after', store, storeTimeoutMs, logger: silentLogger, onInternalError },
      ),
    )
    expect(value).toBe('reminders sent')
    expect(onInternalError).toHaveBeenCalledTimes(1)
    expectTimedOut(onInternalError.mock.calls[0]?.[0], 'finishRun')
    expect(elapsedMs).toBeLessThan(endedWithin)
  })

  describe('with a lock begin_run needs held by another session in an open transaction', () => {
    const holdLock = async (lockSql: string, jobName: string) => {
      const holder = new pg.Client({ connectionString: db.url })
      await holder.connect()
      await holder.query('begin')
      await holder.query(lockSql, [jobName])
      let released = false
      const release = async () => {
        if (released) return
        released = true
        await holder.query('rollback')
        await holder.end()
      }
      defer(release)
      return release
    }

    it.each([
      [
        "the job's advisory lock (pg_advisory_xact_lock)",
        `select pg_advisory_xact_lock(hashtextextended('cronwarden.job:' || $1, 0))`,
      ],
      [
        "the job's state row (select ... for update)",
        'select * from cronwarden.cron_job_state where job_name = $1 for update',
      ],
    ])('rejects with a StoreError for beginRun, without running the job, while %s is held', async (_lock, lockSql) => {
      const { store } = await setUp()
      const jobName = 'locked-out'
      // A first run gives the job its state row.
      await withFailureAlerting(async () => 'first', { jobName, store, logger: silentLogger })()
      await holdLock(lockSql, jobName)
      const job = vi.fn(async () => 'reminders sent')
      const { error, elapsedMs } = await settle(
        withFailureAlerting(job, { jobName, store, storeTimeoutMs, logger: silentLogger }),
      )
      expectTimedOut(error, 'beginRun')
      expect(job).not.toHaveBeenCalled()
      expect(elapsedMs).toBeLessThan(endedWithin)
    })

    it('commits the abandoned begin once the lock is released, and the next call closes it as abandoned when its lease runs out', async () => {
      const { store } = await setUp()
      const jobName = 'late-commit'
      const leaseMs = 1_000
      const release = await holdLock(
        `select pg_advisory_xact_lock(hashtextextended('cronwarden.job:' || $1, 0))`,
        jobName,
      )
      const options = { jobName, store, storeTimeoutMs, lock: { leaseMs }, logger: silentLogger }
      const job = vi.fn(async () => 'reminders sent')
      expectTimedOut((await settle(withFailureAlerting(job, options))).error, 'beginRun')

      // The caller stopped waiting; its statement did not stop. Once the lock is free it
      // commits a 'running' row that nobody will run or renew.
      await release()
      let rows = await store.listRuns({ jobName })
      for (let waited = 0; rows.length === 0 && waited < 5_000; waited += 50) {
        await sleep(50)
        rows = await store.listRuns({ jobName })
      }
      expect(rows.map((row) => row.status)).toEqual(['running'])

      await sleep(leaseMs + 200)
      await expect(withFailureAlerting(job, options)()).resolves.toBe('reminders sent')
      expect((await store.listRuns({ jobName })).map((row) => row.status)).toEqual(['succeeded', 'abandoned'])
      expect(job).toHaveBeenCalledTimes(1)
    })
  })
})
