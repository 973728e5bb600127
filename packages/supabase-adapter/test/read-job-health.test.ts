// readJobHealth: the strip, the streak, the running runs and the alert counts of every job, in
// one call, built by the store's own calls (so the rows are what real runs leave), on the
// PostgreSQL server (through postgres.js and node-postgres) and on PGlite.
import { randomUUID } from 'node:crypto'
import {
  type AlertDeliveryOutcome,
  type ExecutionLogStore,
  OptionsError,
  StoreError,
  StoreTimeoutError,
} from '@cronwarden/core'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore, type Database, migrate, readJobHealth } from '../src/index.js'
import { alertSpec, longRunningEvent, storeRun } from './support/store-inputs.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

const twoNotifiers = { ...alertSpec, notifiers: ['slack', 'email'] }

/** What the scenario left, to compare readJobHealth's answer with. */
interface Scenario {
  alphaRuns: string[]
  downSince: string
  lastSuccessAt: string
  holder: string
  stale: string
}

/**
 * alpha: a missed time, a success, two failures (a streak of 2), a run still holding the
 * lease and a run skipped because of it; alert entries pending, retrying, expired (one
 * lately, one 30 days ago) and delivered. beta: one success. gamma: a run whose lease has
 * expired, still `running` until gamma's next begin.
 */
async function playScenario(store: ExecutionLogStore, db: Database): Promise<Scenario> {
  const sql = (text: string) =>
    'unsafe' in db ? db.unsafe(text) : (db as { query(text: string): Promise<unknown> }).query(text)
  const now = Date.now()
  await store.recordMissedRun({
    jobName: 'alpha',
    runId: 'missed:alpha',
    expectedAt: new Date(now - 3_600_000),
    detectedAt: new Date(now - 3_540_000),
    errorMessage: 'missed',
    missed: { schedule: '0 * * * *', timezone: 'UTC', lastRunAt: null },
    alert: null,
  })
  const run = (jobName: string, status: 'succeeded' | 'failed', alert = twoNotifiers) =>
    storeRun(store, jobName, status, { alert, host: 'worker-1' })
  await run('alpha', 'succeeded')
  const firstFailure = await run('alpha', 'failed')
  await run('alpha', 'failed')
  const holder = randomUUID()
  await store.beginRun({
    jobName: 'alpha',
    runId: holder,
    leaseMs: 60_000,
    exclusive: true,
    host: 'worker-2',
    alert: null,
  })
  const skipped = await store.beginRun({
    jobName: 'alpha',
    runId: randomUUID(),
    leaseMs: 60_000,
    exclusive: true,
    host: 'worker-3',
    alert: null,
  })
  expect(skipped.outcome).toBe('skipped')

  // The first failure's entry: slack failed and is retried later, email not tried yet.
  const entry = firstFailure.alert
  if (!entry) throw new Error('the failure wrote no entry')
  const failedAttempt: AlertDeliveryOutcome = {
    notifier: 'slack',
    event_type: 'consecutive_failures',
    status: 'failed',
    error_message: 'HTTP 500',
    attempted_at: new Date().toISOString(),
    duration_ms: 12,
    retryAfterMs: 600_000,
  }
  await store.recordAlertOutcome({
    alertId: entry.alertId,
    claimToken: entry.claimToken,
    eventType: 'consecutive_failures',
    outcomes: [failedAttempt],
  })
  // The second failure's entry stays pending as written. Three events: expired now, expired a
  // month ago, delivered.
  const event = longRunningEvent('alpha', holder)
  for (const status of ['expired', 'expired', 'delivered'] as const) {
    const written = await store.enqueueAlert({ jobName: 'alpha', runId: holder, event, alert: twoNotifiers })
    await store.recordAlertOutcome({
      alertId: written.alertId,
      claimToken: written.claimToken,
      eventType: 'long_running',
      outcomes: twoNotifiers.notifiers.map((notifier) => ({
        ...failedAttempt,
        notifier,
        event_type: 'long_running' as const,
        status,
        error_message: status === 'expired' ? 'expired' : null,
        duration_ms: 0,
        retryAfterMs: null,
      })),
    })
  }
  await sql(
    `update cronwarden.cron_alerts set created_at = created_at - interval '30 days'
     where alert_id = (select min(alert_id) from cronwarden.cron_alerts where status = 'expired')`,
  )

  await run('beta', 'succeeded', alertSpec)
  const stale = randomUUID()
  await store.beginRun({ jobName: 'gamma', runId: stale, leaseMs: 1, exclusive: true, host: null, alert: null })

  const rows = await store.listRuns({ jobName: 'alpha' })
  const success = rows.find((row) => row.status === 'succeeded')
  const failures = rows.filter((row) => row.status === 'failed')
  return {
    alphaRuns: rows.map((row) => row.run_id).reverse(),
    // The streak's first failure (listRuns is newest first).
    downSince: failures[failures.length - 1]?.started_at ?? '',
    lastSuccessAt: success?.finished_at ?? '',
    holder,
    stale,
  }
}

/** The assertions, for every database the scenario ran on. */
function describeHealth(label: string, setup: () => Promise<{ db: Database; other?: Database }>) {
  describe(label, () => {
    let db: Database
    let other: Database | undefined
    let scenario: Scenario
    let store: ExecutionLogStore

    beforeAll(async () => {
      ;({ db, other } = await setup())
      store = createSupabaseStore({ db })
      scenario = await playScenario(store, db)
    })

    it('reads every job, sorted by name, with each strip oldest first and as listRuns gives the runs', async () => {
      const health = await readJobHealth({ db })
      expect(health.map((job) => job.job_name)).toEqual(['alpha', 'beta', 'gamma'])
      const [alpha] = health
      const listed = (await store.listRuns({ jobName: 'alpha' })).reverse()
      expect(alpha?.recent_runs).toEqual(
        listed.map((row) => ({
          run_id: row.run_id,
          status: row.status,
          started_at: row.started_at,
          duration_ms: row.duration_ms,
        })),
      )
      expect(alpha?.recent_runs.map((cell) => cell.status)).toEqual([
        'missed',
        'succeeded',
        'failed',
        'failed',
        'running',
        'skipped',
      ])
      expect(alpha?.recent_runs.map((cell) => cell.run_id)).toEqual(scenario.alphaRuns)
    })

    it('cuts the strip to the newest recentRuns, still oldest first', async () => {
      const [alpha] = await readJobHealth({ db, recentRuns: 2, jobs: ['alpha'] })
      expect(alpha?.recent_runs.map((cell) => cell.status)).toEqual(['running', 'skipped'])
      expect(alpha?.recent_runs.map((cell) => cell.run_id)).toEqual(scenario.alphaRuns.slice(-2))
    })

    it('gives the streak, the last success and the start of the outage', async () => {
      const health = await readJobHealth({ db })
      expect(health[0]).toMatchObject({
        job_name: 'alpha',
        consecutive_failure_count: 2,
        last_success_at: scenario.lastSuccessAt,
        down_since: scenario.downSince,
      })
      expect(health[1]).toMatchObject({ job_name: 'beta', consecutive_failure_count: 0, down_since: null })
      expect(health[1]?.last_success_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(health[2]).toMatchObject({ job_name: 'gamma', consecutive_failure_count: 0, last_success_at: null })
    })

    it('lists the runs still running with their host and lease, an expired lease included', async () => {
      const [alpha, beta, gamma] = await readJobHealth({ db })
      const holderRow = (await store.listRuns({ jobName: 'alpha' })).find((row) => row.run_id === scenario.holder)
      expect(alpha?.running).toEqual([
        {
          run_id: scenario.holder,
          started_at: holderRow?.started_at,
          lease_expires_at: expect.stringMatching(/Z$/),
          host: 'worker-2',
        },
      ])
      const lease = Date.parse(alpha?.running[0]?.lease_expires_at ?? '')
      expect(lease - Date.parse(holderRow?.started_at ?? '')).toBe(60_000)
      expect(beta?.running).toEqual([])
      expect(gamma?.running).toHaveLength(1)
      expect(gamma?.running[0]).toMatchObject({ run_id: scenario.stale, host: null })
      expect(Date.parse(gamma?.running[0]?.lease_expires_at ?? '')).toBeLessThanOrEqual(Date.now())
    })

    it('counts alert entries pending, retrying a failed notifier, and expired within the window', async () => {
      const [alpha, beta] = await readJobHealth({ db })
      // Pending: the success that ended the missed time's streak, and the second failure.
      expect(alpha?.alerts).toEqual({ pending: 2, failed: 1, expired: 1 })
      expect(beta?.alerts).toEqual({ pending: 0, failed: 0, expired: 0 })
      const [wider] = await readJobHealth({ db, jobs: ['alpha'], expiredWithinMs: 60 * 86_400_000 })
      expect(wider?.alerts).toEqual({ pending: 2, failed: 1, expired: 2 })
    })

    it('gives the time a job is muted until, null when it is not', async () => {
      expect((await readJobHealth({ db })).map((job) => job.muted_until)).toEqual([null, null, null])
      const until = new Date(Date.now() + 3_600_000)
      await store.muteJob({ jobName: 'beta', until })
      try {
        const [beta] = await readJobHealth({ db, jobs: ['beta'] })
        expect(beta?.muted_until).toBe(until.toISOString())
      } finally {
        await store.muteJob({ jobName: 'beta', until: null })
      }
      expect((await readJobHealth({ db, jobs: ['beta'] }))[0]?.muted_until).toBeNull()
    })

    it('reads only the jobs named, leaving out names it does not know', async () => {
      const client = other ?? db
      expect((await readJobHealth({ db: client, jobs: ['gamma', 'beta', 'nope'] })).map((job) => job.job_name)).toEqual(
        ['beta', 'gamma'],
      )
      expect(await readJobHealth({ db: client, jobs: [] })).toEqual([])
      expect(await readJobHealth({ db: client, jobs: ['it\'s \\ {odd}, "quoted"'] })).toEqual([])
    })
  })
}

describe.skipIf(!available)('readJobHealth on the PostgreSQL server', () => {
  let database: SupabaseDatabase
  let pool: pg.Pool
  afterAll(async () => {
    await pool?.end()
    await database?.drop()
  })
  describeHealth('through postgres.js, and node-postgres for the job filter', async () => {
    database = await createSupabaseDatabase()
    pool = new pg.Pool({ connectionString: database.url, max: 2 })
    pool.on('error', () => {})
    return { db: database.sql, other: pool }
  })
})

describe('readJobHealth on PGlite', () => {
  // One PGlite per file: it takes seconds to start, and has a single connection.
  const db = new PGlite()
  afterAll(() => db.close())
  describeHealth('one connection', async () => {
    await migrate(db)
    return { db }
  })
})

describe('readJobHealth options', () => {
  const quiet: Database = { query: async () => ({ rows: [{ health: [] }] }) }

  it.each([
    [{ db: quiet, recentRuns: 0 }, 'recentRuns'],
    [{ db: quiet, recentRuns: 1001 }, 'recentRuns'],
    [{ db: quiet, recentRuns: 2.5 }, 'recentRuns'],
    [{ db: quiet, jobs: ['ok', ''] }, 'jobs.1'],
    [{ db: quiet, jobs: 'alpha' }, 'jobs'],
    [{ db: quiet, expiredWithinMs: 0 }, 'expiredWithinMs'],
    [{ db: quiet, expiredWithinMs: 200 * 365 * 86_400_000 }, 'expiredWithinMs'],
    [{ db: quiet, storeTimeoutMs: -1 }, 'storeTimeoutMs'],
    [{ db: {} }, 'db'],
    [{ recentRuns: 5 }, 'db'],
  ])('refuses %o with an OptionsError naming %s', async (options, field) => {
    const error = await readJobHealth(options as never).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OptionsError)
    expect((error as OptionsError).issues.map((issue) => issue.path)).toEqual([field])
  })

  it('names a misspelled option and suggests the right one', async () => {
    const error = await readJobHealth({ db: quiet, job: ['alpha'] } as never).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OptionsError)
    expect((error as OptionsError).message).toContain('job: unknown option (did you mean "jobs"?)')
  })

  it('gives up after storeTimeoutMs with a StoreError naming readJobHealth', async () => {
    const silent: Database = { query: () => new Promise(() => {}) }
    const error = await readJobHealth({ db: silent, storeTimeoutMs: 50 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).operation).toBe('readJobHealth')
    expect((error as StoreError).cause).toBeInstanceOf(StoreTimeoutError)
  })

  it('wraps a database error in a StoreError that keeps it as the cause', async () => {
    const failing: Database = {
      query: async () => {
        throw new Error('function cronwarden.job_health(text[], integer, bigint) does not exist')
      },
    }
    const error = await readJobHealth({ db: failing }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain('job_health')
  })
})
