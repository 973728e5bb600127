import { execFile } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingService } from '../../../test-support/missing-service.js'
import { migrate } from '../src/index.js'
import { createTestDatabase, serverAvailable, type TestDatabase } from './support/postgres-server.js'

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
  let database: TestDatabase

  beforeAll(async () => {
    database = await createTestDatabase()
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    try {
      // As the database's non-superuser owner (pgTAP needs no superuser); createTestDatabase
      // made Supabase's API roles `anon` and `authenticated`, which the owner may `set role` to.
      await client.query('create extension if not exists pgtap')
      await migrate(client)
    } finally {
      await client.end()
    }
  })
  afterAll(async () => {
    await database?.drop()
  })

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
