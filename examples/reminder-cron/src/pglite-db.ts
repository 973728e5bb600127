import type { PGlite } from '@electric-sql/pglite'
import type { Db } from '../supabase/functions/_shared/db.ts'

/**
 * An embedded PGlite database (one connection) as a `Db`. Node only (the embedded example and
 * the tests): the Edge Functions use `fromPg`, next to `Db` in supabase/functions/_shared.
 */
export function fromPglite(db: PGlite): Db {
  return {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(text, [...params])
      return { rows: result.rows }
    },
    async exec(sql) {
      await db.exec(sql)
    },
  }
}
