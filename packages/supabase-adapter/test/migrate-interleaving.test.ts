// migrate() against callers that interleave: a second migrator that read the applied versions
// before another applied them must not re-apply older files over newer ones (0001 replacing
// begin_run with its old body, re-creating purge(integer) next to 0004's purge), and a job
// running meanwhile must not notice. Interleavings are forced, never slept for: a caller is
// parked on its way to the database, or every caller waits for the migration lock held here.
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore, listMigrations, migrate, purgeRuns, type QueryClient } from '../src/index.js'
import { MIGRATION_LOCK_KEY } from '../src/migration-block.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

/**
 * A client whose queries wait at a barrier while it is closed: `close()` from the caller's
 * own onProgress parks it right after it read the applied versions, before it applies.
 * `migrate` sends one query at a time, so at most one waits.
 */
function parkable(client: QueryClient) {
  let closed = false
  let release: (() => void) | null = null
  const whenParked: Array<() => void> = []
  const db: QueryClient = {
    async query(text, values) {
      if (closed) {
        await new Promise<void>((resolve) => {
          release = resolve
          for (const notify of whenParked.splice(0)) notify()
        })
      }
      return client.query(text, values)
    },
  }
  return {
    db,
    close() {
      closed = true
    },
    /** Resolves once a query waits at the barrier. */
    parked: () => (release ? Promise.resolve() : new Promise<void>((resolve) => whenParked.push(resolve))),
    open() {
      closed = false
      const parked = release
      release = null
      parked?.()
    },
  }
}

// Every cronwarden function's definition, and the row version that holds it (a CREATE OR
// REPLACE writes a new one even with the same text): what a migrator changed, if anything.
async function functions(client: pg.Pool | pg.Client) {
  const { rows } = await client.query<{ signature: string; definition: string; version: string }>(
    `select p.oid::regprocedure::text as signature, pg_catalog.pg_get_functiondef(p.oid) as definition,
            p.xmin::text as version
     from pg_catalog.pg_proc p where p.pronamespace = 'cronwarden'::regnamespace order by 1`,
  )
  return rows
}

const definitions = (rows: Awaited<ReturnType<typeof functions>>) =>
  rows.map(({ signature, definition }) => ({ signature, definition }))

describe.skipIf(!available)('migrate with callers that interleave', () => {
  const databases: SupabaseDatabase[] = []
  const pools: pg.Pool[] = []
  let reference: Awaited<ReturnType<typeof functions>>
  let versions: number[]

  const freshPool = async () => {
    const database = await createSupabaseDatabase({ migrated: false })
    databases.push(database)
    const pool = new pg.Pool({ connectionString: database.url, max: 4 })
    // Dropping the database ends idle connections; that is expected, not a failure.
    pool.on('error', () => {})
    pools.push(pool)
    return pool
  }

  beforeAll(async () => {
    versions = (await listMigrations()).map((migration) => migration.version)
    const clean = await freshPool()
    await migrate(clean)
    reference = await functions(clean)
  })
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()))
    await Promise.all(databases.splice(0).map((database) => database.drop()))
  })
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()))
    await Promise.all(databases.map((database) => database.drop()))
  })

  it('a caller that read the versions before another applied them all applies nothing, and changes nothing', async () => {
    const pool = await freshPool()
    const late = parkable(pool)
    const lateCall = migrate(late.db, { onProgress: ({ index }) => index === 0 && late.close() })
    await late.parked() // it read the versions (none applied) and is about to apply 0000

    expect(await migrate(pool)).toEqual(versions)
    const migrated = await functions(pool)
    const recorded = (await pool.query('select version, applied_at from cronwarden.schema_migrations order by 1')).rows

    late.open()
    expect(await lateCall).toEqual([])
    // Not a single function re-created (same row versions), and the newest bodies, as a clean migrate leaves them.
    expect(await functions(pool)).toEqual(migrated)
    expect(definitions(migrated)).toEqual(definitions(reference))
    expect((await pool.query('select version, applied_at from cronwarden.schema_migrations order by 1')).rows).toEqual(
      recorded,
    )
  })

  it('a job running through the store while a late caller is between migrations does not fail', async () => {
    const pool = await freshPool()
    const late = parkable(pool)
    const lateCall = migrate(late.db, { onProgress: ({ index }) => (index === 0 || index === 2) && late.close() })
    await late.parked() // read the versions: none applied
    await migrate(pool)
    late.open()
    await late.parked() // past its attempts at 0000 and 0001, about to try 0002

    // The newest bodies are in place, even mid-way through the late caller's pass.
    expect(definitions(await functions(pool))).toEqual(definitions(reference))
    const store = createSupabaseStore({ db: pool })
    const begin = {
      jobName: 'interleaved',
      runId: 'interleaved-1',
      leaseMs: 60_000,
      exclusive: true,
      host: null,
      alert: null,
    }
    const first = await store.beginRun(begin)
    expect(first.outcome).toBe('started')
    // The store repeats a begin whose reply a dead connection lost (0003): answered as the first time.
    expect(await store.beginRun(begin)).toEqual(first)
    const finished = await store.finishRun({
      jobName: 'interleaved',
      runId: 'interleaved-1',
      status: 'succeeded',
      errorMessage: null,
      summary: null,
      alert: null,
    })
    expect(finished?.transition).toMatchObject({ jobName: 'interleaved' })
    // purge(integer) is 0004's one function with a defaulted argument, not ambiguous with 0001's.
    expect(await purgeRuns(pool, 90)).toBe(0)

    late.open()
    expect(await lateCall).toEqual([])
  })

  it('callers released together from the migration lock apply each version exactly once between them', async () => {
    const pool = await freshPool()
    const holder = await pool.connect()
    try {
      await holder.query('select pg_catalog.pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
      // Each caller on a connection of its own; both read the versions (none), then wait for the lock.
      const callers = [0, 1].map(() => migrate(pool))
      await until(async () => (await waitingForTheLock(holder)) === 2)
      await holder.query('select pg_catalog.pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      const applied = await Promise.all(callers)
      expect(applied.flat().sort((a, b) => a - b)).toEqual(versions)
    } finally {
      holder.release()
    }
    expect(definitions(await functions(pool))).toEqual(definitions(reference))
  })
})

async function waitingForTheLock(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query(
    `select count(*)::int as n from pg_catalog.pg_locks
     where locktype = 'advisory' and not granted and database = (select oid from pg_catalog.pg_database where datname = current_database())`,
  )
  return rows[0].n
}

/** Polls until the condition holds (a state change, not a duration, is what the test waits for). */
async function until(condition: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
