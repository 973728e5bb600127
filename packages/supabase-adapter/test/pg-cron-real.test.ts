import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { type AlertEvent, silentLogger } from '@cronwarden/core'
import { createRecordingNotifier } from '@cronwarden/core/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingService } from '../../../test-support/missing-service.js'
import { checkPgCronRuns, createSupabaseStore, migrate } from '../src/index.js'

// The real scheduler, on a throwaway cluster with pg_cron preloaded (.ci/setup-pgcron.sh).
// Slow by nature: pg_cron 1.4 schedules by the minute, so this takes up to about 3.5 minutes.
const url = process.env.CRONWARDEN_PGCRON_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres'

async function pgCronAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    const { rows } = await client.query(`select extversion from pg_extension where extname = 'pg_cron'`)
    if (rows.length === 0) throw new Error('the pg_cron extension is not created there')
    return true
  } catch (error) {
    return missingService(
      'the real pg_cron test',
      `no pg_cron at ${url} (${(error as Error).message}); run .ci/setup-pgcron.sh`,
    )
  } finally {
    await client.end().catch(() => {})
  }
}

// CI runs the suite on two Node versions; the minute-long wait needs to happen only once.
const slowSkipped = process.env.CRONWARDEN_SLOW_TESTS === '0'
if (slowSkipped) console.warn('skipping the real pg_cron test: CRONWARDEN_SLOW_TESTS=0')
const available = !slowSkipped && (await pgCronAvailable())

describe.skipIf(!available)('pg_cron for real (slow)', () => {
  const pool = new pg.Pool({ connectionString: url, max: 3 })
  pool.on('error', () => {})
  const suffix = randomBytes(4).toString('hex')
  const pgCronJob = `cronwarden-real-${suffix}`
  const sequence = `cronwarden_step_${suffix}`
  let jobid = 0
  // The job's runs from its first: a job's first check starts after its newest finished run
  // unless given `since`, and the first run may come before the first check.
  const since = new Date()

  beforeAll(async () => {
    await migrate(pool)
    await pool.query(`create sequence ${sequence}`)
    // Succeeds on its first run, then divides by zero (sequences ignore the rollback). The
    // divisor is computed at run time: a constant 1 / 0 would fail already when planned.
    const { rows } = await pool.query(`select cron.schedule($1, '* * * * *', $2) as jobid`, [
      pgCronJob,
      `select 1 / (case when nextval('${sequence}') > 1 then 0 else 1 end)`,
    ])
    jobid = Number(rows[0]?.jobid)
  })
  afterAll(async () => {
    await pool.query('select cron.unschedule($1)', [pgCronJob]).catch(() => {})
    await pool.query(`drop sequence if exists ${sequence}`).catch(() => {})
    await pool.end()
  })

  it('turns two consecutive failed pg_cron runs into exactly one alert', { timeout: 240_000 }, async () => {
    const notifier = createRecordingNotifier()
    const jobName = `pg_cron:${pgCronJob}`
    const store = createSupabaseStore({ db: pool })
    const events: AlertEvent[] = []
    const deadline = Date.now() + 230_000
    let rows = await store.listRuns({ jobName })
    while (rows.length < 3 && Date.now() < deadline) {
      await sleep(3_000)
      const result = await checkPgCronRuns({
        db: pool,
        jobs: [pgCronJob],
        notifiers: [notifier],
        since,
        logger: silentLogger,
      })
      events.push(...result.events)
      rows = await store.listRuns({ jobName })
    }
    await pool.query('select cron.unschedule($1)', [pgCronJob])
    expect(rows.map((row) => [row.status, row.consecutive_failure_count])).toEqual([
      ['failed', 2],
      ['failed', 1],
      ['succeeded', 0],
    ])
    expect(events).toEqual(notifier.events)
    expect(notifier.events).toHaveLength(1)
    expect(notifier.events[0]).toMatchObject({
      type: 'consecutive_failures',
      job_name: jobName,
      error_message: 'ERROR:  division by zero',
      consecutive_failure_count: 2,
      last_success_at: rows[2]?.finished_at,
      run_id: rows[0]?.run_id,
    })
    const { rows: details } = await pool.query(
      `select return_message from cron.job_run_details where jobid = $1 and status = 'failed' order by runid limit 1`,
      [jobid],
    )
    expect(notifier.events[0]).toMatchObject({ error_message: String(details[0]?.return_message).trimEnd() })
  })
})
