import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { missingService } from './missing-service.js'

/** The PostgreSQL server tests use; every machine here runs one, CI insists on it. */
export const serverUrl = process.env.CRONWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

let probe: Promise<boolean> | undefined

/**
 * True when the server answers, asked once per process. When it does not, tests skip with the
 * reason printed, so `pnpm test` passes on a laptop without Postgres; with
 * CRONWARDEN_REQUIRE_SERVICES=1 (CI) a missing server is an error instead.
 */
export function serverAvailable(): Promise<boolean> {
  probe ??= probeServer()
  return probe
}

async function probeServer(): Promise<boolean> {
  const sql = postgres(serverUrl, { max: 1, connect_timeout: 3, onnotice: () => {} })
  try {
    await sql`select 1`
    return true
  } catch (error) {
    return missingService(
      'PostgreSQL server tests',
      `PostgreSQL at ${serverUrl} is not reachable (${(error as Error).message})`,
    )
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {})
  }
}

/** `url` with its user replaced by `role` (trust authentication: no password). */
export function urlAs(url: string, role: string): string {
  const changed = new URL(url)
  changed.username = role
  changed.password = ''
  return changed.toString()
}

export interface TestDatabaseOptions {
  /** The role that owns the database, and that `url`, `sql` and `pool()` connect as. Default: the server's superuser. */
  owner?: string
  /** Connections in `sql`. Default 10. */
  max?: number
  /** Run once on `sql` right after the database is created: a package's `migrate`. */
  migrate?: (sql: postgres.Sql) => Promise<unknown>
  /** The start of the database's name. Default `cw`. */
  prefix?: string
}

export interface TestDatabase {
  name: string
  /** Connects as the owner: what tests migrate and run with. */
  url: string
  /** Connects as the server's superuser: only for what truly needs one. Say why. */
  superuserUrl: string
  /** Connects as `role`. */
  urlAs(role: string): string
  /** A postgres.js pool as the owner, opened on first use and ended by drop(). */
  readonly sql: postgres.Sql
  /** Another postgres.js pool of its own as the owner, ended by drop(). */
  pool(max: number): postgres.Sql
  /** Runs `close` before the database is dropped: for a client the test opened another way. */
  onDrop(close: () => Promise<unknown>): void
  /** Ends every pool and client, settled (a pool a test broke must not leave it behind), then drops the database. */
  drop(): Promise<void>
}

/**
 * A database of its own for one test file (or test), so files run in parallel without sharing
 * rows: created, opened, migrated when asked, and dropped with whatever was opened on it.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `${options.prefix ?? 'cw'}_${randomBytes(6).toString('hex')}`
  await admin(`create database ${name}${options.owner ? ` owner ${options.owner}` : ''}`)
  const superuser = new URL(serverUrl)
  superuser.pathname = `/${name}`
  const superuserUrl = superuser.toString()
  const url = options.owner ? urlAs(superuserUrl, options.owner) : superuserUrl
  const closers: Array<() => Promise<unknown>> = []
  const pool = (max: number) => {
    const sql = postgres(url, { prepare: false, max, onnotice: () => {} })
    // end() waits forever for a query whose connection was cut (porsager/postgres#1097).
    closers.push(() => sql.end({ timeout: 5 }))
    return sql
  }
  let sql: postgres.Sql | undefined
  const database: TestDatabase = {
    name,
    url,
    superuserUrl,
    urlAs: (role) => urlAs(superuserUrl, role),
    get sql() {
      sql ??= pool(options.max ?? 10)
      return sql
    },
    pool,
    onDrop: (close) => {
      closers.push(close)
    },
    async drop() {
      await Promise.allSettled(closers.map((close) => close()))
      await admin(`drop database if exists ${name} with (force)`)
    },
  }
  if (options.migrate) {
    try {
      await options.migrate(database.sql)
    } catch (error) {
      await database.drop()
      throw error
    }
  }
  return database
}

async function admin(statement: string): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(statement)
  } finally {
    await sql.end({ timeout: 5 })
  }
}
