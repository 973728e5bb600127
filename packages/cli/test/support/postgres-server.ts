import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { missingService } from '../../../../test-support/missing-service.js'

/** The PostgreSQL server tests use; every machine here runs one, CI insists on it. */
export const serverUrl = process.env.CRONWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * True when the server answers. When it does not, tests skip with the reason printed, so
 * `pnpm test` passes on a laptop without Postgres; with CRONWARDEN_REQUIRE_SERVICES=1 (CI)
 * a missing server is an error instead.
 */
export async function serverAvailable(): Promise<boolean> {
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

export interface TestDatabase {
  /** Its connection string, for `--database-url` or `DATABASE_URL`. */
  url: string
  name: string
  /** One postgres.js connection to it, for seeding and checking from the test. */
  sql: postgres.Sql
  drop(): Promise<void>
}

/** A database of its own for one test file, so files run in parallel without sharing rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `cw_${randomBytes(6).toString('hex')}`
  await admin(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const sql = postgres(url.toString(), { max: 4, prepare: false, onnotice: () => {} })
  return {
    url: url.toString(),
    name,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 })
      await admin(`drop database if exists ${name} with (force)`)
    },
  }
}

async function admin(statement: string): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(statement)
  } finally {
    await sql.end({ timeout: 5 })
  }
}
