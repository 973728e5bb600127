import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Format } from 'esbuild'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleForNode, foldersUpFrom } from '../../../test-support/node-bundle.js'
import { serverAvailable } from '../../../test-support/test-database.js'
import { listMigrations, migrate } from '../src/index.js'
import { createSupabaseDatabase } from './support/supabase-database.js'

const run = promisify(execFile)
const fixture = fileURLToPath(new URL('./fixtures/migrate-bundled.ts', import.meta.url))
// Maps @cronwarden/core to its source, so the bundle needs no build of the workspace first.
const fixtureTsconfig = fileURLToPath(new URL('./fixtures/tsconfig.json', import.meta.url))

const available = await serverAvailable()

describe.skipIf(!available)('migrate from an esbuild bundle', () => {
  let outDir: string
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'cronwarden-bundle-'))
  })
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  it.each<[Format, string]>([
    ['esm', 'migrate.mjs'],
    ['cjs', 'migrate.cjs'],
  ])(
    'migrates a fresh database from a bundle (%s) with no migrations folder or node_modules near it',
    async (format, file) => {
      const outfile = join(outDir, file)
      // Everything inlined, postgres.js included: what esbuild or the Supabase Edge bundler ships.
      const warnings = await bundleForNode({ entry: fixture, outfile, format, tsconfig: fixtureTsconfig })
      // esbuild warns, among others, when code needs `import.meta.url` that a CJS bundle lacks.
      expect(warnings).toEqual([])
      for (const folder of foldersUpFrom(outDir)) {
        expect(existsSync(join(folder, 'migrations')), `${folder}/migrations`).toBe(false)
        expect(existsSync(join(folder, 'node_modules')), `${folder}/node_modules`).toBe(false)
      }

      const database = await createSupabaseDatabase({ migrated: false })
      try {
        const { stdout } = await run(process.execPath, [outfile], {
          cwd: outDir,
          env: { DATABASE_URL: database.url },
          timeout: 60_000,
        })
        const versions = (await listMigrations()).map((migration) => migration.version)
        expect(JSON.parse(stdout)).toEqual({ applied: versions })

        const client = new pg.Client({ connectionString: database.url })
        await client.connect()
        try {
          const { rows } = await client.query<{ version: number; name: string }>(
            'select version, name from cronwarden.schema_migrations order by version',
          )
          expect(rows).toEqual((await listMigrations()).map(({ version, name }) => ({ version, name })))
          // The bundle recorded what the package itself would: nothing is left to apply.
          expect(await migrate(client)).toEqual([])
        } finally {
          await client.end()
        }
      } finally {
        await database.drop()
      }
    },
  )
})
