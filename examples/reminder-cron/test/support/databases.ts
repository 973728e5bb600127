import { randomUUID } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { migrate } from '../../src/migrate.js'
import { fromPglite } from '../../src/pglite-db.js'
import { type Db, fromPg } from '../../supabase/functions/_shared/db.ts'

const SERVER_URL = process.env.CRONWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const requireServices = process.env.CRONWARDEN_REQUIRE_SERVICES === '1'

/**
 * Whether the real PostgreSQL server answers. When it does not, tests that need it skip with
 * the printed reason, unless CRONWARDEN_REQUIRE_SERVICES=1 (CI), where that is a failure.
 */
export function serverAvailable(): Promise<boolean> {
  probe ??= probeServer()
  return probe
}
let probe: Promise<boolean> | undefined

async function probeServer(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch (error) {
    const reason = `PostgreSQL at ${SERVER_URL} is unreachable (${(error as Error).message})`
    if (requireServices) throw new Error(`${reason}; CRONWARDEN_REQUIRE_SERVICES=1 requires it`)
    console.warn(`Skipping the real-server tests: ${reason}`)
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

export interface ServerDatabase {
  url: string
  pool: pg.Pool
  db: Db
  /** A second, separate pool: a second process's view of the same database. */
  newPool(): pg.Pool
  drop(): Promise<void>
}

/** A fresh, migrated database of its own on the real server, so test files run in parallel. */
export async function createServerDatabase({ migrated = true } = {}): Promise<ServerDatabase> {
  const name = `cronwarden_rc_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  await withAdmin((admin) => admin.query(`create database ${name}`))
  const url = new URL(SERVER_URL)
  url.pathname = `/${name}`
  const pools: pg.Pool[] = []
  const newPool = () => {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 10 })
    // pg-pool's end() resolves before its sockets close, so the forced drop below can end a
    // connection a pool still holds; unlistened, that 'error' fails the run as an uncaught
    // error. 57P01 (terminated by an administrator) is that drop; anything else is printed.
    pool.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') console.error(`test database ${name}: connection lost: ${error.message}`)
    })
    pools.push(pool)
    return pool
  }
  const pool = newPool()
  const db = fromPg(pool)
  if (migrated) await migrate(db)
  return {
    url: url.toString(),
    pool,
    db,
    newPool,
    async drop() {
      // Settled, not all: a pool a test broke must not leave the database behind.
      await Promise.allSettled(pools.filter((each) => !each.ended).map((each) => each.end()))
      await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`))
    },
  }
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: SERVER_URL })
  await admin.connect()
  try {
    return await work(admin)
  } finally {
    await admin.end()
  }
}

export interface EmbeddedDatabase {
  pglite: PGlite
  db: Db
  close(): Promise<void>
}

/** A migrated in-memory PGlite (seconds to start: one per test file). */
export async function createEmbeddedDatabase(): Promise<EmbeddedDatabase> {
  const pglite = await PGlite.create()
  const db = fromPglite(pglite)
  await migrate(db)
  return { pglite, db, close: () => pglite.close() }
}

/** Empties the domain tables between tests that share one database. */
export async function truncateDomain(db: Db): Promise<void> {
  await db.exec(
    `truncate reminders.reminder_dispatches, reminders.admin_audit_log, reminders.activities,
              reminders.assignments, reminders.peer_mentors restart identity cascade`,
  )
}

/** The dispatch rows, for assertions. */
export async function dispatchRows(db: Db) {
  const { rows } = await db.query<{
    assignment_id: number
    idempotency_key: string
    status: string
    attempts: number
    last_error: string | null
  }>(
    `select assignment_id, idempotency_key::text as idempotency_key, status, attempts, last_error
       from reminders.reminder_dispatches order by assignment_id, due_at`,
  )
  return rows
}

export interface Backend {
  name: string
  open(): Promise<{ db: Db; close: () => Promise<void> }>
}

/**
 * PGlite always; the real server too when it answers. Suites that must behave the same on
 * both run over this list with `describe.each`.
 */
export async function databaseBackends(): Promise<Backend[]> {
  const backends: Backend[] = [
    {
      name: 'PGlite',
      async open() {
        const embedded = await createEmbeddedDatabase()
        return { db: embedded.db, close: embedded.close }
      },
    },
  ]
  if (await serverAvailable()) {
    backends.push({
      name: 'PostgreSQL server',
      async open() {
        const server = await createServerDatabase()
        return { db: server.db, close: server.drop }
      },
    })
  }
  return backends
}
