import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestDatabase,
  serverAvailable,
  serverUrl,
  type TestDatabase,
} from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder, inCaseFolder, literal } from './support/config-case.js'
import { fail, seedRuns } from './support/seed.js'

const available = await serverAvailable()

describe.skipIf(!available)('config files and where the database comes from', () => {
  let database: TestDatabase
  let folder: CaseFolder
  /** A database that does not exist, behind a password that must never be printed. */
  let missingUrl: string

  beforeAll(async () => {
    ;[database, folder] = await Promise.all([createTestDatabase(), createCaseFolder()])
    const url = new URL(serverUrl)
    url.password = 'never-print-this-pw'
    url.pathname = `/${database.name}_missing`
    missingUrl = url.toString()
  })
  afterAll(async () => {
    await Promise.all([database?.drop(), folder?.remove()])
  })

  it('loads a plain cronwarden.config.ts with jiti and migrates the database it names, with no flag or DATABASE_URL', async () => {
    await inCaseFolder(async (ts) => {
      await ts.write(
        'cronwarden.config.ts',
        `import type { CronwardenConfig } from '@cronwarden/cli'

const port: number = 5432
const config = {
  databaseUrl: ${literal(database.url)}.replace(':5432/', \`:\${port}/\`),
  storeTimeoutMs: 15_000,
} satisfies CronwardenConfig

export default config
`,
      )
      const migrated = await runCli(['migrate', '--json'], { cwd: ts.dir })
      expect(migrated.code).toBe(0)
      expect(parseJsonOutput<{ applied: number[] }>(migrated).applied.length).toBeGreaterThan(0)

      await seedRuns(database.sql, 'nightly-export', [fail('disk full')])
      const status = await runCli(['status'], { cwd: ts.dir })
      expect(status.code).toBe(1)
      expect(status.stdout).toContain('nightly-export')
    })
  })

  it('loads the file --config names instead of the one in the working directory, also when it exports a function', async () => {
    await folder.write('cronwarden.config.ts', 'export default { databseUrl: "postgres://typo" }\n')
    await folder.write(
      'other.js',
      `export default async () => ({ databaseUrl: ${literal(database.url)}, notifyTimeoutMs: 2_000 })\n`,
    )
    const ignored = await runCli(['runs', 'nightly-export'], { cwd: folder.dir })
    expect(ignored.code).toBe(2)
    expect(ignored.stderr).toContain('databseUrl')

    const result = await runCli(['runs', 'nightly-export', '--json', '--config', 'other.js'], { cwd: folder.dir })
    expect(result.code).toBe(0)
    expect(parseJsonOutput<{ runs: Array<{ error_message: string }> }>(result).runs).toEqual([
      expect.objectContaining({ error_message: 'disk full' }),
    ])
  })

  it('prefers --database-url to the config, and the config to DATABASE_URL', async () => {
    await inCaseFolder(async (cases) => {
      await cases.write('cronwarden.config.mjs', `export default { databaseUrl: ${literal(missingUrl)} }\n`)
      const [flag, config] = await Promise.all([
        runCli(['runs', 'nightly-export', '--json', '--database-url', database.url], {
          cwd: cases.dir,
          env: { DATABASE_URL: missingUrl },
        }),
        runCli(['runs', 'nightly-export', '--json'], { cwd: cases.dir, env: { DATABASE_URL: database.url } }),
      ])
      expect(flag.code).toBe(0)
      expect(parseJsonOutput<{ runs: unknown[] }>(flag).runs).toHaveLength(1)
      // The config's database, which does not exist, was used: DATABASE_URL was not.
      expect(config.code).toBe(1)
      expect(config.stdout).toBe('')
      expect(config.stderr).toContain(`${database.name}_missing`)
    })
  })

  it('exits 1 without printing the password when the database refuses the connection', async () => {
    await inCaseFolder(async (empty) => {
      const result = await runCli(['status', '--database-url', missingUrl], { cwd: empty.dir })
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/^error: /)
      expect(result.stderr).not.toContain('never-print-this-pw')
      expect(result.stdout).toBe('')
    })
  })
})
