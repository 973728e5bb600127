import { readSafely } from '@cronwarden/core/plugin'
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
    // A value whose getters throw (a Proxy, say) is not a client either.
    (readSafely(() => typeof (value as Partial<PostgresJsClient>).unsafe === 'function', false) ||
      readSafely(() => typeof (value as Partial<QueryClient>).query === 'function', false))
  )
}

const WRONG_CLIENT = 'expected a postgres.js Sql, a node-postgres Pool or Client, or a PGlite instance'

/**
 * What to pass instead of a supabase-js client, the likeliest wrong `db` on Supabase: it
 * talks to the Data API over HTTP, which cannot run the adapter's SQL functions (and the
 * `cronwarden` schema is not exposed to it on purpose).
 */
const SUPABASE_JS_CLIENT =
  'got a supabase-js client (createClient from @supabase/supabase-js), which talks to the Data API over HTTP and ' +
  'cannot run the SQL this needs. Pass a Postgres connection instead: postgres.js on the direct connection string ' +
  '(`postgres(process.env.SUPABASE_DB_URL)`), or on the pooler on port 6543 with `prepare: false` ' +
  '(`postgres(poolerUrl, { prepare: false })`); a node-postgres Pool works too'

/**
 * A supabase-js `SupabaseClient`, recognised by its shape (supabase-js is not a dependency):
 * `from()` and `rpc()`, an `auth` client, and a `storage` or `functions` client. Checked with
 * `in` for the last two, which are getters that build a client when read.
 */
function isSupabaseJsClient(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  return readSafely(() => {
    const client = value as Record<string, unknown>
    return (
      typeof client.from === 'function' &&
      typeof client.rpc === 'function' &&
      typeof client.auth === 'object' &&
      client.auth !== null &&
      ('storage' in client || 'functions' in client)
    )
  }, false)
}

/** Why `value` is not a `db`, for the `db: ...` of an error message. */
function wrongDatabase(value: unknown): string {
  return isSupabaseJsClient(value) ? SUPABASE_JS_CLIENT : WRONG_CLIENT
}

/** The `db` option of every function here, with one message for a wrong client. */
export const databaseSchema = z.custom<Database>(isDatabase, {
  error: (issue) => wrongDatabase(issue.input),
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
  /**
   * Several statements in one simple-protocol message: one implicit transaction, all of it or
   * none. Resolves with the rows of the last statement.
   */
  script(text: string): Promise<Record<string, unknown>[]>
}

export function sqlRunner(db: Database): SqlRunner {
  if (!isDatabase(db)) {
    throw new TypeError(
      isSupabaseJsClient(db) ? `db: ${SUPABASE_JS_CLIENT}` : `db: ${WRONG_CLIENT} (something with query() or unsafe())`,
    )
  }
  if (isPostgresJs(db)) {
    return {
      rows: (text, params, options) =>
        retryAfterDeadConnection('postgres.js', options?.safeToRepeat === true, async () => {
          // Arguments as literals: one round trip instead of two under `prepare: false` (sql-literal.ts).
          const query = params.length === 0 ? text : inlineParameters(text, params)
          return [...(await db.unsafe(query))] as Record<string, unknown>[]
        }),
      script: async (text) => lastRows(await db.unsafe(text).simple()),
    }
  }
  return {
    rows: (text, params, options) =>
      retryAfterDeadConnection(
        'node-postgres',
        options?.safeToRepeat === true,
        async () => (await db.query(text, [...params])).rows as Record<string, unknown>[],
      ),
    // Without parameters node-postgres uses the simple protocol, which runs several statements.
    script: async (text) => lastRows(typeof db.exec === 'function' ? await db.exec(text) : await db.query(text)),
  }
}

/**
 * The rows of a script's last statement, from what each client resolves with: postgres.js an
 * array of rows for one statement and an array of those for several; node-postgres a result
 * (`{ rows }`) for one statement and an array of them for several; PGlite's `exec` an array.
 */
function lastRows(result: unknown): Record<string, unknown>[] {
  const last =
    Array.isArray(result) && (Array.isArray(result.at(-1)) || hasRows(result.at(-1))) ? result.at(-1) : result
  if (hasRows(last)) return last.rows as Record<string, unknown>[]
  return Array.isArray(last) ? (last as Record<string, unknown>[]) : []
}

function hasRows(value: unknown): value is { rows: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { rows?: unknown }).rows)
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
