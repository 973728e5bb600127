import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { describeError } from '@cronwarden/core'
import { redactUrls } from '@cronwarden/core/plugin'
import { createJiti } from 'jiti'
import { parseConfig, type ResolvedConfig } from './config-schema.js'
import { UsageError } from './errors.js'

/** Looked for in the working directory, in this order, when `--config` is not given. */
export const CONFIG_FILE_NAMES = [
  'cronwarden.config.ts',
  'cronwarden.config.mts',
  'cronwarden.config.cts',
  'cronwarden.config.js',
  'cronwarden.config.mjs',
  'cronwarden.config.cjs',
] as const

/** The config in use and where it came from (`null`: no file, every key at its default). */
export interface LoadedConfig {
  path: string | null
  config: ResolvedConfig
}

/**
 * Finds and loads the config file. TypeScript is loaded through jiti, so a user needs no
 * build step and no loader flag; the default export may be the config or a function (async
 * or not) returning it, for configs that must read a secret first.
 */
export async function loadConfig(options: { explicitPath?: string; cwd: string }): Promise<LoadedConfig> {
  const path = options.explicitPath ? resolve(options.cwd, options.explicitPath) : findConfig(options.cwd)
  if (path === null) return { path: null, config: parseConfig({}, 'config') }
  if (!existsSync(path)) throw new UsageError(`--config: no such file: ${path}`)
  const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false, fsCache: false })
  let exported: unknown
  try {
    exported = await jiti.import(path, { default: true })
    if (typeof exported === 'function') exported = await exported()
  } catch (error) {
    throw new UsageError(`could not load ${path}: ${redactUrls(describeError(error))}`, { cause: error })
  }
  return { path, config: parseConfig(exported, path) }
}

function findConfig(cwd: string): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(cwd, name)
    if (existsSync(candidate)) return candidate
  }
  return null
}
