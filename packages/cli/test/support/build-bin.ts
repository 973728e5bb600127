import { mkdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

/** Where the tests' bin is written; test/support/cli.ts runs it from here. */
export const BIN_PATH = fileURLToPath(new URL('../../.tmp/bin/cronwarden.js', import.meta.url))

/**
 * The CLI's own dependencies stay imports, resolved from its node_modules as in an install.
 * What the workspace packages import (croner, nodemailer…) is bundled from their folders:
 * their dependencies are not the CLI's, so node_modules here would not find them.
 */
async function dependenciesExternal(): Promise<Plugin> {
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
  const own = new Set(Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@cronwarden/')))
  return {
    name: 'dependencies-external',
    setup(context) {
      context.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]
        return own.has(name ?? '') ? { path: args.path, external: true } : undefined
      })
    },
  }
}

/**
 * Builds the bin the way the package build does (one ESM file, third-party dependencies left
 * to node_modules), except that the workspace packages come from source through
 * tsconfig.source.json: `pnpm test` runs before any build, on a fresh clone with no dist/.
 */
export default async function setup(): Promise<void> {
  await mkdir(fileURLToPath(new URL('../../.tmp/bin/', import.meta.url)), { recursive: true })
  await build({
    entryPoints: [fileURLToPath(new URL('../../src/bin.ts', import.meta.url))],
    outfile: BIN_PATH,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    plugins: [await dependenciesExternal()],
    tsconfig: fileURLToPath(new URL('../../../../tsconfig.source.json', import.meta.url)),
    logLevel: 'silent',
  })
}
