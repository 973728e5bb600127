import { describeExecutionLogStoreContract } from '@cronwarden/core/testing'
import { PGlite } from '@electric-sql/pglite'
import * as vitest from 'vitest'
import { afterAll } from 'vitest'
import { createSupabaseStore, migrate } from '../src/index.js'

// One PGlite per file: it takes seconds to start, and has a single connection.
const db = new PGlite()
afterAll(() => db.close())

describeExecutionLogStoreContract(
  vitest,
  'Postgres store on PGlite',
  async () => {
    await migrate(db)
    return createSupabaseStore({ db })
  },
  { concurrency: 20 },
)
