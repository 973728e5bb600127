import type { Database } from '@cronwarden/supabase-adapter'
import postgres from 'postgres'
import type { ResolvedConfig } from './config-schema.js'
import { UsageError } from './errors.js'

/** A database the command talks to, and how to let go of it. */
export interface Connection {
  db: Database
  /** Ends the connection the command opened; a config's own `db` is the config's to end. */
  close(): Promise<void>
}

/**
 * The database, by precedence: `--database-url`, the config's `db`, its `databaseUrl`, then
 * `DATABASE_URL`. One connection is enough for any command, and `prepare: false` keeps it
 * working behind a transaction-mode pooler (Supavisor's port 6543, pgbouncer).
 */
export function connect(options: {
  flagUrl: string | undefined
  config: ResolvedConfig
  env: NodeJS.ProcessEnv
}): Connection {
  const { flagUrl, config, env } = options
  if (flagUrl === undefined && config.db) return { db: config.db, close: async () => {} }
  const url = flagUrl ?? config.databaseUrl ?? env.DATABASE_URL
  if (!url)
    throw new UsageError(
      'no database: pass --database-url, set DATABASE_URL, or set `databaseUrl` (or `db`) in cronwarden.config.ts',
    )
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new UsageError(
      `${flagUrl !== undefined ? '--database-url' : config.databaseUrl ? 'databaseUrl' : 'DATABASE_URL'}: expected a postgres:// or postgresql:// connection string`,
    )
  const sql = postgres(url, { max: 1, prepare: false, onnotice: () => {}, connect_timeout: 10 })
  return { db: sql, close: () => sql.end({ timeout: 5 }) }
}
