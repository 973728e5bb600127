import { createSupabaseStore, migrate } from '@cronwarden/supabase-adapter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, serverAvailable, type TestDatabase } from '../../../test-support/test-database.js'
import { parseJsonOutput, runCli } from './support/cli.js'
import { type CaseFolder, createCaseFolder } from './support/config-case.js'
import { acceptingNotifier, fail, ok, seedRuns } from './support/seed.js'

const available = await serverAvailable()

const HOUR = 3_600_000

interface StatusJson {
  healthy: boolean
  jobs: Array<{ job_name: string; muted_until: string | null; muted: boolean; problems: string[] }>
}

// Each test mutes or reads a job of its own, so they run concurrently. Some start the bin four
// times in a row, each a Node start and a connection: beyond the default 5 s on a busy machine.
describe.skipIf(!available).concurrent('mute and unmute on the PostgreSQL server', () => {
  let database: TestDatabase
  let folder: CaseFolder
  const slack = acceptingNotifier('slack')

  beforeAll(async () => {
    ;[database, folder] = await Promise.all([createTestDatabase({ migrate }), createCaseFolder()])
    const db = database.sql
    await Promise.all(
      ['export-for', 'export-until', 'export-unmute', 'export-json', 'healthy-report'].map((job) =>
        seedRuns(db, job, [ok()]),
      ),
    )
    // Muted before it failed: its alert is decided while muted, so recorded, never sent.
    await seedRuns(db, 'muted-billing', [ok()])
    await createSupabaseStore({ db }).muteJob({ jobName: 'muted-billing', until: new Date(Date.now() + 2 * HOUR) })
    await seedRuns(db, 'muted-billing', [fail('card processor down'), fail('card processor down')], {
      notifiers: [slack],
    })
  })
  afterAll(async () => {
    await Promise.all([database?.drop(), folder?.remove()])
  })

  const cli = (args: string[]) => runCli(args, { cwd: folder.dir, env: { DATABASE_URL: database.url } })
  const mutedUntil = async (jobName: string) =>
    (await createSupabaseStore({ db: database.sql }).getJob({ jobName }))?.muted_until

  it('mutes a job for a duration and says until when, in UTC, and what that means', async () => {
    const before = Date.now()
    const result = await cli(['mute', 'export-for', '--for', '2h'])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    const until = await mutedUntil('export-for')
    expect(Date.parse(until ?? '')).toBeGreaterThanOrEqual(before + 2 * HOUR)
    expect(Date.parse(until ?? '')).toBeLessThan(Date.now() + 2 * HOUR)
    expect(result.stdout).toBe(
      `Muted export-for until ${until} (2 h); alerts decided until then are recorded as muted, not sent.\n`,
    )
  })

  it('mutes a job until a time given with a zone, and prints { job_name, muted_until } with --json', async () => {
    const until = new Date(Math.ceil((Date.now() + 3 * HOUR) / 1000) * 1000)
    const local = `${until.toISOString().slice(0, 19)}+00:00`
    const result = await cli(['mute', 'export-until', '--until', local])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Muted export-until until ${until.toISOString()} (`)
    expect(await mutedUntil('export-until')).toBe(until.toISOString())

    const json = await cli(['mute', 'export-json', '--for', '90s', '--json'])
    expect(json.code).toBe(0)
    const printed = parseJsonOutput(json)
    expect(printed).toEqual({ job_name: 'export-json', muted_until: await mutedUntil('export-json') })
    expect(Object.keys(printed)).toEqual(['job_name', 'muted_until'])
  })

  it('unmutes a muted job, and says so for a job that was not muted', async () => {
    expect((await cli(['mute', 'export-unmute', '--for', '1d'])).code).toBe(0)
    const result = await cli(['unmute', 'export-unmute'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Unmuted export-unmute \(it was muted until .+\); its alerts are sent again\./)
    expect(await mutedUntil('export-unmute')).toBeNull()

    const again = await cli(['unmute', 'export-unmute', '--json'])
    expect(again.code).toBe(0)
    expect(parseJsonOutput(again)).toEqual({ job_name: 'export-unmute', muted_until: null })
    expect((await cli(['unmute', 'export-unmute'])).stdout).toBe(
      'export-unmute was not muted; its alerts are sent as usual.\n',
    )
  })

  it.each([
    [['--for', '2 hours'], '--for: expected a whole number and a unit s, m, h or d (e.g. 90s, 30m, 2h, 1d)'],
    [['--for', '0m'], '--for: expected a whole number and a unit'],
    [['--for', '1h30m'], '--for: expected a whole number and a unit'],
    [['--until', 'tomorrow'], '--until: expected an ISO 8601 time with a zone, e.g. 2026-12-01T14:00:00Z'],
    [['--until', '2026-12-01T14:00:00'], '--until: expected an ISO 8601 time with a zone'],
    [['--until', '2001-01-01T00:00:00Z'], '--until: 2001-01-01T00:00:00.000Z has passed'],
    [[], 'mute: say how long: --for <duration> (e.g. 2h) or --until <ISO time>'],
  ])('exits 2 on a bad or missing --for / --until, naming it: %j', async (flags, message) => {
    const result = await cli(['mute', 'export-for', ...flags])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stdout).toBe('')
  })

  it('exits 2 when both --for and --until are given', async () => {
    const result = await cli(['mute', 'export-for', '--for', '2h', '--until', '2099-01-01T00:00:00Z'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--until')
    expect(result.stderr).toContain('--for')
  })

  it('exits 1 for a job the store has never seen, naming the known jobs, and mutes nothing', async () => {
    const [muted, unmuted] = await Promise.all([
      cli(['mute', 'export-fro', '--for', '2h']),
      cli(['unmute', 'export-fro', '--json']),
    ])
    for (const result of [muted, unmuted]) {
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain('unknown job: no runs recorded for "export-fro" (known jobs: ')
      expect(result.stderr).toContain('"export-for"')
      expect(result.stderr).toContain('"healthy-report"')
    }
    expect(await createSupabaseStore({ db: database.sql }).getJob({ jobName: 'export-fro' })).toBeNull()
  })

  it('shows a muted job in status, still down and still failing the health check, marked muted until when', async () => {
    const result = await cli(['status', 'muted-billing', 'healthy-report', '--json'])
    expect(result.code).toBe(1)
    const jobs = Object.fromEntries(parseJsonOutput<StatusJson>(result).jobs.map((job) => [job.job_name, job]))
    const until = await mutedUntil('muted-billing')
    expect(jobs['muted-billing']).toMatchObject({ muted_until: until, muted: true, problems: ['down'] })
    expect(jobs['healthy-report']).toMatchObject({ muted_until: null, muted: false, problems: [] })

    const text = await cli(['status', 'muted-billing', 'healthy-report'])
    expect(text.code).toBe(1)
    const [head, ...rows] = text.stdout.split('\n')
    expect(head).toMatch(/ALERTS\s+MUTED UNTIL$/)
    const shown = `${until?.slice(0, 10)} ${until?.slice(11, 19)} UTC`
    expect(rows.find((line) => line.startsWith('muted-billing '))).toMatch(new RegExp(`${shown}$`))
    expect(rows.find((line) => line.startsWith('healthy-report '))).toMatch(/ -$/)
    expect(text.stdout).toContain(
      '1 of 2 jobs need attention. 1 muted: alerts recorded, not sent (muted jobs still count here).',
    )

    // No mute, no column.
    const plain = await cli(['status', 'healthy-report'])
    expect(plain.stdout).not.toContain('MUTED')
  })

  it('shows the deliveries of an alert decided while muted as muted in runs, and nothing was sent', async () => {
    expect(slack.events).toEqual([])
    const result = await cli(['runs', 'muted-billing'])
    expect(result.code).toBe(0)
    const [newest] = result.stdout.split('\n').slice(1)
    expect(newest).toMatch(/^✗ failed/)
    expect(newest).toContain('slack consecutive_failures: muted')

    const json = parseJsonOutput<{ runs: Array<{ deliveries: Array<{ status: string; event_type: string }> }> }>(
      await cli(['runs', 'muted-billing', '--json']),
    )
    expect(json.runs[0]?.deliveries).toEqual([
      expect.objectContaining({ notifier: 'slack', event_type: 'consecutive_failures', status: 'muted' }),
    ])
  })
})
