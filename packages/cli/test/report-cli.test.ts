import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { migrate } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder } from './support/config-case.js'
import { fail, ok, seedRuns } from './support/seed.js'

const available = await serverAvailable()

let folder: CaseFolder

beforeAll(async () => {
  folder = await createCaseFolder()
})
afterAll(async () => {
  await folder?.remove()
})

describe('report, before any database is read', () => {
  it('exits 2 naming --html when the folder to write into does not exist, without connecting', async () => {
    // Nothing listens on port 1: had the command connected first, it would fail otherwise.
    const result = await runCli(
      ['report', '--html', 'no-such-folder/report.html', '--database-url', 'postgres://127.0.0.1:1/x'],
      {
        cwd: folder.dir,
      },
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error: --html: cannot write into .*no-such-folder: ENOENT\n$/)
    expect(result.stdout).toBe('')
  })
})

describe.skipIf(!available)('report on the PostgreSQL server', () => {
  let database: TestDatabase
  let empty: TestDatabase

  beforeAll(async () => {
    ;[database, empty] = await Promise.all([createTestDatabase({ migrate }), createTestDatabase({ migrate })])
    await seedRuns(database.sql, 'daily-report', [ok(), ok(), fail('disk full'), ok(), ok(), ok(), ok(), ok()])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([database?.drop(), empty?.drop()])
  })

  it('writes a page saying no jobs are recorded for a fresh database, and exits 0', async () => {
    const result = await runCli(['report', '--html', 'empty.html', '--database-url', empty.url], { cwd: folder.dir })
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toBe(`Wrote ${join(folder.dir, 'empty.html')}: 0 jobs, 90 days of history.\n`)
    expect(await readFile(join(folder.dir, 'empty.html'), 'utf8')).toContain('No jobs recorded yet.')
  })

  it('takes the strip length from --runs and the window from --days, and leaves no partial file behind', async () => {
    const result = await runCli(['report', '--html', 'short.html', '--runs', '5', '--days', '7'], {
      cwd: folder.dir,
      env: { DATABASE_URL: database.url },
    })
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toBe(`Wrote ${join(folder.dir, 'short.html')}: 1 job, 7 days of history.\n`)
    const page = await readFile(join(folder.dir, 'short.html'), 'utf8')
    const statuses = [...page.matchAll(/<span class="cell" data-status="(\w+)"/g)].map((match) => match[1])
    expect(statuses).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded'])
    expect(page).toContain('the last 7 days')
    expect(page).toContain('disk full')
    expect((await readdir(folder.dir)).filter((name) => name.includes('.partial'))).toEqual([])
  })

  it('exits 2 when --html names a folder, and replaces a page already there', async () => {
    await mkdir(join(folder.dir, 'a-folder.html'), { recursive: true })
    const result = await runCli(['report', '--html', 'a-folder.html', '--database-url', database.url], {
      cwd: folder.dir,
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error: --html: cannot write .*a-folder\.html: EISDIR\n$/)
    expect((await readdir(folder.dir)).filter((name) => name.includes('.partial'))).toEqual([])

    const again = await runCli(['report', '--html', 'short.html', '--database-url', database.url], { cwd: folder.dir })
    expect(again.code).toBe(0)
    expect(await readFile(join(folder.dir, 'short.html'), 'utf8')).toContain('the last 90 days')
  })
})
