import { describeExecutionLogStoreContract } from '@cronwarden/core/testing'
import pg from 'pg'
import postgres from 'postgres'
import * as vitest from 'vitest'
import { afterAll, describe } from 'vitest'
import { createSupabaseStore, migrate } from '../src/index.js'
import { createTestDatabase, serverAvailable, type TestDatabase } from './support/postgres-server.js'

const available = await serverAvailable()

describe.skipIf(!available)('on the PostgreSQL server', () => {
  let database: TestDatabase
  let sql: postgres.Sql | undefined
  let pool: pg.Pool | undefined

  afterAll(async () => {
    await sql?.end()
    await pool?.end()
    await database?.drop()
  })

  const setUp = async () => {
    database ??= await createTestDatabase()
    return database
  }

  // `prepare: false` is what Supavisor's transaction mode needs; the store must work with it.
  describeExecutionLogStoreContract(vitest, 'Postgres store through postgres.js', async () => {
    const { url } = await setUp()
    sql = postgres(url, { prepare: false, max: 10, onnotice: () => {} })
    await migrate(sql)
    return createSupabaseStore({ db: sql })
  })

  describeExecutionLogStoreContract(vitest, 'Postgres store through node-postgres', async () => {
    const { url } = await setUp()
    pool = new pg.Pool({ connectionString: url, max: 10 })
    // Dropping the test database ends idle connections; that is expected, not a failure.
    pool.on('error', () => {})
    await migrate(pool)
    return createSupabaseStore({ db: pool })
  })
})
