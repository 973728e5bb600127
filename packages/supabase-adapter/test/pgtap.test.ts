import { execFile } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingService } from '../../../test-support/missing-service.js'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const run = promisify(execFile)
const pgTapDir = fileURLToPath(new URL('./pgtap/', import.meta.url))

async function pgProveInstalled(): Promise<boolean> {
  try {
    await run('pg_prove', ['--version'])
    return true
  } catch {
    return missingService(
      'pgTAP suite',
      'pg_prove is not installed (apt-get install postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl)',
    )
  }
}

const available = (await serverAvailable()) && (await pgProveInstalled())

describe.skipIf(!available)('pgTAP suite', () => {
  let database: SupabaseDatabase

  beforeAll(async () => {
    // Migrated as the database's non-superuser owner, who creates pgTAP too (it needs no
    // superuser); createSupabaseDatabase made Supabase's API roles `anon` and `authenticated`,
    // which the owner may `set role` to.
    database = await createSupabaseDatabase()
    await database.sql`create extension if not exists pgtap`
  })
  afterAll(() => database?.drop())

  it('passes: schema, search_path, no grants to anon or authenticated', async () => {
    const files = (await readdir(pgTapDir)).filter((name) => name.endsWith('.sql')).map((name) => pgTapDir + name)
    expect(files.length).toBeGreaterThan(0)
    const { stdout } = await run('pg_prove', ['--dbname', database.url, '--verbose', ...files]).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`pg_prove failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`)
      },
    )
    expect(stdout).toMatch(/All tests successful/)
    expect(stdout).not.toMatch(/not ok/)
  })
})
