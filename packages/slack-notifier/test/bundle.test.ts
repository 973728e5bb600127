import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Format } from 'esbuild'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { bundleForNode, foldersUpFrom } from '../../../test-support/node-bundle.js'
import { failuresPayload } from './expected-payloads.js'
import { type SlackServer, startSlackServer } from './slack-server.js'

const run = promisify(execFile)
const fixture = fileURLToPath(new URL('./fixtures/post-from-bundle.ts', import.meta.url))
// Maps the workspace packages to their source, so the bundle needs no build first; the
// dependencies (zod, croner) come from node_modules as they would in a user's app.
const sourceTsconfig = fileURLToPath(new URL('../../../tsconfig.source.json', import.meta.url))

let outDir: string
let server: SlackServer | undefined

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'cronwarden-slack-bundle-'))
})

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

afterEach(async () => {
  await server?.close()
  server = undefined
})

// A CommonJS-only dependency once made the ESM bundle die on `Dynamic require of "node:os"`.
it.each<[Format, string]>([
  ['esm', 'post.mjs'],
  ['cjs', 'post.cjs'],
])(
  'delivers an alert from an esbuild bundle (%s) that node runs with no node_modules',
  async (format, file) => {
    const outfile = join(outDir, file)
    const warnings = await bundleForNode({ entry: fixture, outfile, format, tsconfig: sourceTsconfig })
    expect(warnings).toEqual([])
    for (const folder of foldersUpFrom(outDir)) {
      expect(existsSync(join(folder, 'node_modules')), `${folder}/node_modules`).toBe(false)
    }

    server = await startSlackServer()
    const { stdout, stderr } = await run(process.execPath, [outfile], {
      cwd: outDir,
      env: { SLACK_WEBHOOK_URL: server.url() },
      timeout: 20_000,
    })
    expect({ stdout, stderr }).toEqual({ stdout: '', stderr: '' })
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]?.body).toEqual(failuresPayload)
  },
  30_000,
)
