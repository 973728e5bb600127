import { describeExecutionLogStoreContract } from '@cronwarden/core/testing'
import * as vitest from 'vitest'
import { afterAll, describe } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { createSupabaseDatabase, pgPool, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

describe.skipIf(!available)('on the PostgreSQL server', () => {
  let database: SupabaseDatabase | undefined
  afterAll(() => database?.drop())
  const migrated = async () => {
    database ??= await createSupabaseDatabase()
    return database
  }

  // `prepare: false` is what Supavisor's transaction mode needs; the store must work with it.
  describeExecutionLogStoreContract(vitest, 'Postgres store through postgres.js', async () => (await migrated()).store)

  describeExecutionLogStoreContract(vitest, 'Postgres store through node-postgres', async () =>
    createSupabaseStore({ db: pgPool(await migrated(), 10) }),
  )
})
