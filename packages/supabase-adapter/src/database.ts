import { z } from 'zod'
import { retryAfterDeadConnection } from './dead-connection.js'
import { inlineParameters, type SqlValue } from './sql-literal.js'

/**
 * The Postgres clients cronwarden accepts, described by the few methods it calls, so the
 * adapter depends on none of them at runtime.
 */

/** A postgres.js `Sql` instance (use `prepare: false` behind a transaction-mode pooler). */
export interface PostgresJsClient {
  /**
   * postgres.js's raw query. cronwarden passes each statement with its arguments written in
   * as escaped literals (one round trip under `prepare: false`), and migrations via `.simple()`.
   */
  unsafe(query: string, parameters?: unknown[]): PromiseLike<readonly unknown[]> & { simple(): PromiseLike<unknown> }
}

/** A node-postgres `Pool` or `Client`, or a PGlite instance. */
export interface QueryClient {
  /**
   * One statement with `$1`-style parameters. Without `exec`, also the migrations: a
   * multi-statement script sent without parameters (node-postgres's simple protocol).
   */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  /** PGlite's multi-statement entry point; node-postgres runs them through `query`. */
  exec?(query: string): Promise<unknown>
}

/**
 * The `db` every function here takes: a postgres.js `Sql`, a node-postgres `Pool` or `Client`,
 * or a PGlite instance. Anything else is refused (an `OptionsError`, or a `TypeError` where
 * there is no options object).
 */
export type Database = PostgresJsClient | QueryClient

/** True for anything the adapter can talk to: something with `unsafe()` or `query()`. */
export function isDatabase(value: unknown): value is Database {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (typeof (value as Partial<PostgresJsClient>).unsafe === 'function' ||
      typeof (value as Partial<QueryClient>).query === 'function')
  )
}

/** The `db` option of every function here, with one message for a wrong client. */
export const databaseSchema = z.custom<Database>(isDatabase, {
  message: 'expected a postgres.js Sql, a node-postgres Pool or Client, or a PGlite instance',
})

/** What the adapter needs from any of them: parameterised rows, and a multi-statement script. */
export interface SqlRunner {
  /**
   * Rows of one statement. A statement that failed on a connection the server had ended is
   * retried when that cannot repeat an effect (dead-connection.ts): when the error proves it
   * was never sent, and with `safeToRepeat` also when it may have run.
   */
  rows(
    text: string,
    params: readonly SqlValue[],
    options?: { safeToRepeat?: boolean },
  ): Promise<Record<string, unknown>[]>
  script(text: string): Promise<void>
}

export function sqlRunner(db: Database): SqlRunner {
  if (isPostgresJs(db)) {
    return {
      rows: (text, params, options) =>
        retryAfterDeadConnection('postgres.js', options?.safeToRepeat === true, async () => {
          // Arguments as literals: one round trip instead of two under `prepare: false` (sql-literal.ts).
          const query = params.length === 0 ? text : inlineParameters(text, params)
          return [...(await db.unsafe(query))] as Record<string, unknown>[]
        }),
      script: async (text) => {
        await db.unsafe(text).simple()
      },
    }
  }
  if (isDatabase(db)) {
    return {
      rows: (text, params, options) =>
        retryAfterDeadConnection(
          'node-postgres',
          options?.safeToRepeat === true,
          async () => (await db.query(text, [...params])).rows as Record<string, unknown>[],
        ),
      // Without parameters node-postgres uses the simple protocol, which runs several statements.
      script: async (text) => {
        if (typeof db.exec === 'function') await db.exec(text)
        else await db.query(text)
      },
    }
  }
  throw new TypeError(
    'db: expected a postgres.js Sql, a node-postgres Pool or Client, or a PGlite instance (something with query() or unsafe())',
  )
}

function isPostgresJs(db: Database): db is PostgresJsClient {
  return typeof (db as Partial<PostgresJsClient>).unsafe === 'function'
}

/** The only value of a one-row, one-column result. */
export async function scalar(
  runner: SqlRunner,
  text: string,
  params: readonly SqlValue[],
  options?: { safeToRepeat?: boolean },
): Promise<unknown> {
  const [row] = await runner.rows(text, params, options)
  return row === undefined ? undefined : Object.values(row)[0]
}
