import { type ChildProcess, spawn } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = new URL('../../../../', import.meta.url)
const example = new URL('../../', import.meta.url)
const denoBin = fileURLToPath(new URL('node_modules/.bin/deno', example))

interface Manifest {
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  exports?: Record<string, unknown>
}

interface DenoConfig {
  imports?: Record<string, string>
  [key: string]: unknown
}

const readJson = async <T>(path: URL | string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T

/** The example's `supabase/` folder alone, in a temporary directory: all a deploy uploads. */
export interface SupabaseCopy {
  /** The copy's `supabase/functions`. */
  functionsDir: string
  remove(): Promise<void>
}

export async function copySupabaseFolder(): Promise<SupabaseCopy> {
  const dir = await mkdtemp(join(tmpdir(), 'cronwarden-supabase-'))
  await cp(fileURLToPath(new URL('supabase', example)), join(dir, 'supabase'), { recursive: true })
  return { functionsDir: join(dir, 'supabase', 'functions'), remove: () => rm(dir, { recursive: true, force: true }) }
}

/** `@cronwarden/<name>`'s entry points (`.`, `./plugin`, ...) as the source files they are built from. */
async function sourceEntries(name: string): Promise<Record<string, string>> {
  const { exports = {} } = await readJson<Manifest>(new URL(`packages/${name}/package.json`, root))
  const entries: Record<string, string> = {}
  for (const key of Object.keys(exports)) {
    if (key === './package.json' || key.includes('*')) continue
    const subpath = key.slice(2)
    const source = subpath ? `src/${subpath}/index.ts` : 'src/index.ts'
    entries[`@cronwarden/${name}${subpath ? `/${subpath}` : ''}`] = new URL(`packages/${name}/${source}`, root).href
  }
  return entries
}

/**
 * The config a copied function runs with: its own deno.json, except that the `@cronwarden/*`
 * packages it maps to npm (not published from this checkout) come from their source. What
 * those sources import themselves (their dependencies, sibling packages) is mapped in a scope
 * that applies only under `packages/`, so every bare name the function's own code imports
 * must be in its deno.json, as on Supabase. The sources import `./x.js` for `./x.ts`, as
 * NodeNext wants: sloppy imports map them (the functions' own code uses `.ts`, checked by a
 * test of its own).
 */
async function runConfig(own: DenoConfig): Promise<DenoConfig> {
  const imports: Record<string, string> = { ...own.imports }
  const packageScope: Record<string, string> = {}
  const used = Object.keys(imports)
    .filter((name) => name.startsWith('@cronwarden/'))
    .map((name) => name.slice('@cronwarden/'.length))
  for (const name of new Set(['core', ...used])) {
    const entries = await sourceEntries(name)
    if (used.includes(name)) {
      delete imports[`@cronwarden/${name}`]
      Object.assign(imports, entries)
    }
    Object.assign(packageScope, entries)
    const manifest = await readJson<Manifest>(new URL(`packages/${name}/package.json`, root))
    for (const [dependency, range] of Object.entries({ ...manifest.peerDependencies, ...manifest.dependencies })) {
      if (!range.startsWith('workspace:')) packageScope[dependency] = `npm:${dependency}@${range}`
    }
  }
  return {
    ...own,
    imports,
    scopes: { [new URL('packages/', root).href]: packageScope },
    nodeModulesDir: 'none',
    unstable: ['sloppy-imports'],
  }
}

export interface RunningFunction {
  url: string
  process: ChildProcess
}

/**
 * Starts the copied function `name` under Deno on a free port (its own folder as the working
 * directory, its own deno.json); resolves with its base URL once it listens.
 */
export async function startFunction(
  copy: SupabaseCopy,
  name: string,
  env: Record<string, string>,
): Promise<RunningFunction> {
  const dir = join(copy.functionsDir, name)
  const configPath = join(dir, 'deno.json')
  await writeFile(configPath, JSON.stringify(await runConfig(await readJson<DenoConfig>(configPath)), null, 2))
  const deno = spawn(
    denoBin,
    ['run', '--config', configPath, '--allow-net', '--allow-env', '--allow-read', '--allow-sys', 'index.ts'],
    {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', DENO_SERVE_ADDRESS: 'tcp:127.0.0.1:0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Listening on (http:\/\/[^/\s]+)/.exec(output)
      if (match?.[1]) resolve({ url: match[1], process: deno })
    }
    deno.stdout.on('data', onData)
    deno.stderr.on('data', onData)
    deno.once('exit', (code) => reject(new Error(`deno exited with ${code} before listening:\n${output}`)))
  })
}

export async function stopFunction(running: RunningFunction | undefined): Promise<void> {
  if (!running) return
  if (running.process.exitCode === null && running.process.signalCode === null) {
    const exited = new Promise((resolve) => running.process.once('exit', resolve))
    running.process.kill()
    await exited
  }
}
