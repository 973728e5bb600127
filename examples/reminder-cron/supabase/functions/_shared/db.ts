import type pg from 'pg'

/**
 * The one query interface the example needs. Every operation that must be atomic is a single
 * statement or a single SQL function call, so no caller ever needs a transaction spanning
 * round trips: that is what lets a node-postgres Pool (where consecutive queries may land on
 * different connections), a single PGlite connection and a transaction-mode pooler all work.
 */
export interface Db {
  /** One statement with `$1` parameters. */
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>
  /** Several statements, no parameters, run as one implicit transaction (migrations). */
  exec(sql: string): Promise<void>
}

/** A node-postgres Pool or Client. */
export function fromPg(client: pg.Pool | pg.Client): Db {
  return {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, [...params])
      return { rows: result.rows as Row[] }
    },
    async exec(sql) {
      // Without parameters node-postgres uses the simple protocol: many statements, one
      // implicit transaction.
      await client.query(sql)
    },
  }
}
