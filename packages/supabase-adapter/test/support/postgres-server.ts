import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import pg from 'pg'
import { missingService } from '../../../../test-support/missing-service.js'
import { ensureSupabaseRoles, supabaseRoles, urlAs } from './supabase-roles.js'

/** The PostgreSQL server tests use; every machine here runs one, CI insists on it. */
export const serverUrl = process.env.CRONWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * True when the server answers. When it does not, tests skip with the reason printed, so
 * `pnpm test` passes on a laptop without Postgres; with CRONWARDEN_REQUIRE_SERVICES=1 (CI)
 * a missing server is an error instead.
 */
export async function serverAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch (error) {
    return missingService(
      'PostgreSQL server tests',
      `PostgreSQL at ${serverUrl} is not reachable (${(error as Error).message})`,
    )
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * True when pg_dump is installed, for tests that compare schema dumps; skips `purpose` with
 * the reason printed otherwise, unless CRONWARDEN_REQUIRE_SERVICES=1.
 */
export async function pgDumpAvailable(purpose: string): Promise<boolean> {
  try {
    await promisify(execFile)('pg_dump', ['--version'])
    return true
  } catch (error) {
    return missingService(
      purpose,
      `pg_dump is not installed (${(error as Error).message}); apt-get install postgresql-client-15`,
    )
  }
}

export interface TestDatabase {
  /**
   * Connects as the database's owner, `cw_postgres`: not a superuser, like `postgres` on
   * Supabase (supabase-roles.ts). What tests migrate and run with.
   */
  url: string
  /**
   * Connects as the server's superuser: only for what truly needs one (LOAD 'auto_explain',
   * extensions that are not trusted, a `vault` schema owned by another role). Say why.
   */
  superuserUrl: string
  /** Connects as `role` (one of supabaseRoles, or `anon` / `authenticated`). */
  urlAs(role: string): string
  name: string
  drop(): Promise<void>
}

/**
 * A database of its own for one test file, so files run in parallel without sharing rows;
 * owned by the non-superuser `cw_postgres`, as Supabase's `postgres` owns what it creates.
 */
export async function createTestDatabase(prefix = 'cw'): Promise<TestDatabase> {
  await ensureSupabaseRoles(serverUrl)
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  await admin(`create database ${name} owner ${supabaseRoles.owner}`)
  const superuserUrl = new URL(serverUrl)
  superuserUrl.pathname = `/${name}`
  return {
    url: urlAs(superuserUrl.toString(), supabaseRoles.owner),
    superuserUrl: superuserUrl.toString(),
    urlAs: (role) => urlAs(superuserUrl.toString(), role),
    name,
    drop: () => admin(`drop database if exists ${name} with (force)`),
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
