import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../../../../', import.meta.url)

interface Manifest {
  dependencies?: Record<string, string>
  exports?: Record<string, unknown>
}

async function manifest(packageJson: URL): Promise<Manifest> {
  return JSON.parse(await readFile(packageJson, 'utf8')) as Manifest
}

/** A package's entry points (`.`, `./plugin`, ...) as the source file each is built from. */
function sourceEntries(name: string, exports: Record<string, unknown>): Record<string, string> {
  const entries: Record<string, string> = {}
  for (const key of Object.keys(exports).filter((key) => key !== './package.json')) {
    const subpath = key.slice(2)
    const source = subpath ? `src/${subpath}/index.ts` : 'src/index.ts'
    entries[`@cronwarden/${name}${subpath ? `/${subpath}` : ''}`] = new URL(`packages/${name}/${source}`, root).href
  }
  return entries
}

/** The example's workspace packages: what it imports from npm once they are published. */
const workspacePackages = ['core', 'supabase-adapter', 'slack-notifier']

/**
 * A deno.json for running the Edge Functions against this checkout: the `@cronwarden/*`
 * packages from their source (what they will be on npm), every other bare name as an `npm:`
 * package at the version the package.json files declare, so a dependency they gain later
 * needs no edit here. Deployed functions use their own deno.json (`npm:@cronwarden/...`).
 */
export async function writeDenoTestConfig(): Promise<{ path: string; remove: () => Promise<void> }> {
  const imports: Record<string, string> = {}
  const manifests = [
    ...workspacePackages.map((name) => `packages/${name}/package.json`),
    'examples/reminder-cron/package.json',
  ]
  for (const path of manifests) {
    for (const [name, range] of Object.entries((await manifest(new URL(path, root))).dependencies ?? {})) {
      if (!range.startsWith('workspace:')) imports[name] = `npm:${name}@${range}`
    }
  }
  for (const name of workspacePackages) {
    const { exports = {} } = await manifest(new URL(`packages/${name}/package.json`, root))
    Object.assign(imports, sourceEntries(name, exports))
  }
  const dir = await mkdtemp(join(tmpdir(), 'cronwarden-deno-'))
  const path = join(dir, 'deno.json')
  // Core's source imports `./x.js` for `./x.ts`, as NodeNext wants: sloppy imports map them.
  await writeFile(path, JSON.stringify({ imports, nodeModulesDir: 'none', unstable: ['sloppy-imports'] }, null, 2))
  return { path, remove: () => rm(dir, { recursive: true, force: true }) }
}
