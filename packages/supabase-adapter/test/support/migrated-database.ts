import type { ExecutionLogStore } from '@cronwarden/core'
import postgres from 'postgres'
import { createSupabaseStore, migrate } from '../../src/index.js'
import { createTestDatabase } from './postgres-server.js'

/**
 * A migrated database of its own for one test: sweepers without a job filter see every
 * job's entries, so tests that sweep must not share a database with each other. Owned,
 * migrated and used by the non-superuser `cw_postgres` (Supabase's `postgres`), so a
 * privilege the adapter lacks there fails here too.
 */
export interface MigratedDatabase {
  /** Connects as the owner, `cw_postgres` (not a superuser). */
  url: string
  /** Connects as the server's superuser, for what truly needs one (see TestDatabase). */
  superuserUrl: string
  /** Connects as `role`. */
  urlAs(role: string): string
  name: string
  /** A postgres.js pool on it (10 connections) as the owner. */
  sql: postgres.Sql
  /** The store on `sql`. */
  store: ExecutionLogStore
  /** Another pool of its own as the owner, ended with the database. */
  pool(max: number): postgres.Sql
  drop(): Promise<void>
}

export async function createMigratedDatabase(): Promise<MigratedDatabase> {
  const database = await createTestDatabase()
  const pools: postgres.Sql[] = []
  const pool = (max: number) => {
    const sql = postgres(database.url, { prepare: false, max, onnotice: () => {} })
    pools.push(sql)
    return sql
  }
  const sql = pool(10)
  await migrate(sql)
  return {
    url: database.url,
    superuserUrl: database.superuserUrl,
    urlAs: database.urlAs,
    name: database.name,
    sql,
    store: createSupabaseStore({ db: sql }),
    pool,
    async drop() {
      // end() waits forever for a query whose connection was cut (porsager/postgres#1097).
      await Promise.all(pools.map((each) => each.end({ timeout: 5 })))
      await database.drop()
    },
  }
}
