import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { createTestDatabase, serverAvailable } from '../../../../test-support/test-database.js'
import { migrate } from '../../src/migrate.js'
import { fromPglite } from '../../src/pglite-db.js'
import { type Db, fromPg } from '../../supabase/functions/_shared/db.ts'

export interface ServerDatabase {
  url: string
  pool: pg.Pool
  db: Db
  /** A second, separate pool: a second process's view of the same database. */
  newPool(): pg.Pool
  drop(): Promise<void>
}

/** A fresh database of its own on the real server, migrated unless asked not to, so test files run in parallel. */
export async function createServerDatabase({ migrated = true } = {}): Promise<ServerDatabase> {
  const database = await createTestDatabase({ prefix: 'cronwarden_rc' })
  const newPool = () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 })
    // pg-pool's end() resolves before its sockets close, so the forced drop can end a
    // connection a pool still holds; unlistened, that 'error' fails the run as an uncaught
    // error. 57P01 (terminated by an administrator) is that drop; anything else is printed.
    pool.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') console.error(`test database ${database.name}: connection lost: ${error.message}`)
    })
    database.onDrop(async () => {
      if (!pool.ended) await pool.end()
    })
    return pool
  }
  const pool = newPool()
  const db = fromPg(pool)
  if (migrated) await migrate(db)
  return { url: database.url, pool, db, newPool, drop: () => database.drop() }
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
