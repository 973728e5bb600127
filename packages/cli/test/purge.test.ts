import { migrate } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder } from './support/config-case.js'
import { fail, ok, seedRuns, startLongRun } from './support/seed.js'

const available = await serverAvailable()

describe.skipIf(!available)('purge on the PostgreSQL server', () => {
  let database: TestDatabase
  let folder: CaseFolder
  let longRun: { finish(): Promise<void> } | undefined

  beforeAll(async () => {
    ;[database, folder] = await Promise.all([createTestDatabase({ migrate }), createCaseFolder()])
    const db = database.sql
    await seedRuns(db, 'old-export', [ok(), fail('disk full'), ok(), ok(), fail('disk full')])
    await seedRuns(db, 'fresh-export', [ok(), ok(), ok()])
    longRun = await startLongRun(db, 'old-export', { lock: false })
    // Forty days ago, as if written then; the store's clock cannot be turned back.
    await db`
      update cronwarden.cron_execution_logs
      set started_at = started_at - interval '40 days', finished_at = finished_at - interval '40 days'
      where job_name = 'old-export'`
  })
  afterAll(async () => {
    await longRun?.finish()
    await Promise.all([database?.drop(), folder?.remove()])
  })

  const countRuns = async () => {
    const rows = await database.sql<Array<{ job_name: string; status: string; count: number }>>`
      select job_name, status, count(*)::int as count from cronwarden.cron_execution_logs
      group by job_name, status order by job_name, status`
    return rows.map((row) => ({ ...row }))
  }

  it('deletes finished runs older than N days in batches, with progress on stderr, keeping newer and running runs', async () => {
    const result = await runCli(['purge', '--older-than', '30', '--batch-size', '2', '--database-url', database.url], {
      cwd: folder.dir,
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('Deleted 5 row(s) (runs and settled alerts) older than 30 day(s).\n')
    const progress = result.stderr.trimEnd().split('\n')
    expect(progress.length).toBeGreaterThanOrEqual(2)
    for (const line of progress) expect(line).toMatch(/^deleted \d+ row\(s\)…$/)
    expect(progress.at(-1)).toBe('deleted 5 row(s)…')

    expect(await countRuns()).toEqual([
      { job_name: 'fresh-export', status: 'succeeded', count: 3 },
      { job_name: 'old-export', status: 'running', count: 1 },
    ])
  })

  it('prints the count as JSON with --json, and nothing on stderr', async () => {
    const result = await runCli(['purge', '--older-than', '30', '--json'], {
      cwd: folder.dir,
      env: { DATABASE_URL: database.url },
    })
    expect(result.code).toBe(0)
    expect(parseJsonOutput(result)).toEqual({ deleted_rows: 0, older_than_days: 30 })
    expect(result.stderr).toBe('')
  })
})
