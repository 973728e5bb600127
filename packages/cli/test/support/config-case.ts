import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleForNode } from '../../../../test-support/node-bundle.js'

const CASES = fileURLToPath(new URL('../../.tmp/cases/', import.meta.url))
const SOURCE_TSCONFIG = fileURLToPath(new URL('../../../../tsconfig.source.json', import.meta.url))

/** A folder of its own for one test's config files: the working directory the bin runs in. */
export interface CaseFolder {
  dir: string
  /** Writes a file into the folder; returns its path. */
  write(name: string, text: string): Promise<string>
  /**
   * Bundles TypeScript that imports workspace packages by their npm names into one ESM file
   * (default `cronwarden.config.mjs`), as a user's install would have them: the child process
   * has no alias to resolve `@cronwarden/slack-notifier` to source.
   */
  bundleConfig(source: string, outName?: string): Promise<string>
  remove(): Promise<void>
}

export async function createCaseFolder(): Promise<CaseFolder> {
  const dir = join(CASES, randomBytes(6).toString('hex'))
  await mkdir(dir, { recursive: true })
  const write = async (name: string, text: string) => {
    const path = join(dir, name)
    await writeFile(path, text)
    return path
  }
  return {
    dir,
    write,
    async bundleConfig(source, outName = 'cronwarden.config.mjs') {
      const entry = await write('config-source.ts', source)
      const outfile = join(dir, outName)
      await bundleForNode({ entry, outfile, format: 'esm', tsconfig: SOURCE_TSCONFIG })
      return outfile
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

/** A TypeScript string literal of a value, to write test values into a config's source. */
export const literal = (value: unknown): string => JSON.stringify(value)

/** Runs `work` in a case folder of its own, removed afterwards whatever happens. */
export async function inCaseFolder<T>(work: (folder: CaseFolder) => Promise<T>): Promise<T> {
  const folder = await createCaseFolder()
  try {
    return await work(folder)
  } finally {
    await folder.remove()
  }
}
