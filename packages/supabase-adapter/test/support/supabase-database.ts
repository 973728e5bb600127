import type { ExecutionLogStore } from '@cronwarden/core'
import pg from 'pg'
import { createTestDatabase, serverUrl, type TestDatabase } from '../../../../test-support/test-database.js'
import { createSupabaseStore, migrate } from '../../src/index.js'
import { ensureSupabaseRoles, supabaseRoles } from './supabase-roles.js'

/**
 * A test database owned by `cw_postgres`: not a superuser, like `postgres` on Supabase
 * (supabase-roles.ts), so a privilege the adapter lacks there fails here too. `url`, `sql`
 * and `pool()` connect as it; `superuserUrl` only for what truly needs one (LOAD
 * 'auto_explain', extensions that are not trusted, a `vault` schema owned by another role).
 */
export interface SupabaseDatabase extends TestDatabase {
  /** The store on `sql`. */
  readonly store: ExecutionLogStore
}

/**
 * A database of its own for one test file (or test), migrated as its owner unless
 * `migrated: false`. Sweepers without a job filter see every job's entries, so tests that
 * sweep must not share one.
 */
export async function createSupabaseDatabase({ migrated = true, prefix = 'cw' } = {}): Promise<SupabaseDatabase> {
  await ensureSupabaseRoles(serverUrl)
  const database = await createTestDatabase({
    owner: supabaseRoles.owner,
    prefix,
    migrate: migrated ? migrate : undefined,
  })
  let store: ExecutionLogStore | undefined
  return Object.defineProperty(database, 'store', {
    get: () => {
      store ??= createSupabaseStore({ db: database.sql })
      return store
    },
  }) as SupabaseDatabase
}

/**
 * A node-postgres Pool of `max` connections on `database` as its owner, ended by drop(). Its
 * 'error' events are expected: tests end connections on purpose, and the forced drop ends
 * the rest.
 */
export function pgPool(database: TestDatabase, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: database.url, max })
  pool.on('error', () => {})
  database.onDrop(() => pool.end())
  return pool
}
