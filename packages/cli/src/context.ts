import type { ExecutionLogStore } from '@cronwarden/core'
import { createSupabaseStore, type Database } from '@cronwarden/supabase-adapter'
import type { ResolvedConfig } from './config-schema.js'
import { type Connection, connect } from './database.js'
import { UsageError } from './errors.js'
import type { Output } from './output.js'

/** What every command gets: where to write, the config, and the database on demand. */
export interface CommandContext {
  out: Output
  config: ResolvedConfig
  /** The config file in use, or null when none was found. */
  configPath: string | null
  /** The database, opened on first use (a command that needs none never connects). */
  database(): Database
  /** The config's store, or the Postgres store on the database. */
  store(): ExecutionLogStore
  now(): Date
  /** Ends what the command opened. */
  close(): Promise<void>
}

export function createContext(options: {
  out: Output
  config: ResolvedConfig
  configPath: string | null
  flagUrl: string | undefined
  env: NodeJS.ProcessEnv
}): CommandContext {
  let connection: Connection | null = null
  const database = () => {
    connection ??= connect({ flagUrl: options.flagUrl, config: options.config, env: options.env })
    return connection.db
  }
  return {
    out: options.out,
    config: options.config,
    configPath: options.configPath,
    database,
    store: () => options.config.store ?? createSupabaseStore({ db: database() }),
    now: () => new Date(),
    close: async () => {
      await connection?.close()
    },
  }
}

/** The notifiers a sending command needs, or a usage error saying where to add them. */
export function requireNotifiers(context: CommandContext, command: string): ResolvedConfig['notifiers'] {
  if (context.config.notifiers.length > 0) return context.config.notifiers
  const where = context.configPath ?? 'cronwarden.config.ts (none found)'
  throw new UsageError(`${command}: no notifiers configured: add \`notifiers\` to ${where}`)
}
