import { silentLogger } from '@cronwarden/core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { checkPgCronRuns, migrate } from '../src/index.js'
import { pgCronFixtureSql } from './support/pg-cron-pglite.js'
import { nestedPlans, rowsRead, scansOf } from './support/query-plans.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { supabaseRoles } from './support/supabase-roles.js'

const available = await serverAvailable()

const DETAILS = 'job_run_details'

describe.skipIf(!available)('pg_cron ingestion on 100,000 rows of cron.job_run_details', () => {
  let database: SupabaseDatabase
  let client: pg.Client
  // auto_explain needs a superuser to LOAD it; the calls it plans run as the owner (role).
  let superuser: pg.Client
  const owner = supabaseRoles.owner
  // minutely: 9 rows in 10, every minute; hourly: a rarer one, every 10th row; backlog: 3,000
  // rows in the middle; never: scheduled, never ran.
  const jobs = ['minutely', 'hourly', 'backlog', 'never']
  const call = (names: string[], extra = '') =>
    `select * from cronwarden.ingest_pg_cron(array[${names.map((name) => `'${name}'`).join(', ')}],
       array[${names.map((name) => `'pg_cron:${name}'`).join(', ')}], 600000${extra})`

  /** The rows a call read from cron.job_run_details (in statements containing `marker`), and how. */
  async function readsOf(text: string, marker = '') {
    const { plans, rows } = await nestedPlans(superuser, text, { analyze: true, role: owner })
    const reading = plans.filter((logged) => scansOf(logged.plan, DETAILS).length > 0 && logged.query.includes(marker))
    return {
      rows,
      scans: reading.flatMap((logged) => scansOf(logged.plan, DETAILS)),
      read: reading.reduce((sum, logged) => sum + rowsRead(logged.plan, DETAILS), 0),
    }
  }

  beforeAll(async () => {
    database = await createSupabaseDatabase({ migrated: false })
    // An ingestion that records the whole history in one call (0001's) fails here in 20 s
    // instead of running for minutes.
    client = new pg.Client({ connectionString: database.url, statement_timeout: 20_000 })
    await client.connect()
    superuser = new pg.Client({ connectionString: database.superuserUrl, statement_timeout: 20_000 })
    await superuser.connect()
    await client.query(await pgCronFixtureSql())
    await migrate(client)
    await client.query(
      `insert into cron.job (schedule, command, jobname) select '* * * * *', 'select 1', name from unnest($1::text[]) name`,
      [jobs],
    )
    await client.query(`
      insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
      select case when i % 10 = 0 then ids.hourly when i between 40001 and 43334 then ids.backlog else ids.minutely end,
             1000 + i % 30000, 'postgres', 'postgres', 'select 1',
             case when i % 47 = 0 then 'failed' else 'succeeded' end,
             case when i % 47 = 0 then 'ERROR:  boom' else '1 row' end,
             now() - (100001 - i) * interval '1 minute',
             now() - (100001 - i) * interval '1 minute' + interval '20 milliseconds'
      from generate_series(1, 100000) as i,
        (select max(jobid) filter (where jobname = 'minutely') as minutely,
                max(jobid) filter (where jobname = 'hourly') as hourly,
                max(jobid) filter (where jobname = 'backlog') as backlog
         from cron.job) as ids`)
    await client.query('vacuum analyze cron.job_run_details')
  }, 60_000)
  afterAll(async () => {
    await client?.end()
    await superuser?.end()
    await database?.drop()
  })

  it("starts a new job at its newest run: the first call records no history and reads a few rows, not the table's", async () => {
    const first = await readsOf(call(['minutely', 'hourly']))
    expect(first.rows).toEqual([{ recorded: 0, caught_up: true }])
    expect(first.scans.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([])
    expect(first.read).toBeLessThan(50)
  })

  it('reads only the rows past the cursor on an idle call, through the primary key, for busy, rare and idle jobs', async () => {
    const watched = ['minutely', 'hourly', 'never']
    await client.query(call(watched))
    const idle = await readsOf(call(watched))
    expect(idle.rows).toEqual([{ recorded: 0, caught_up: true }])
    expect(idle.scans.length).toBeGreaterThan(0)
    for (const scan of idle.scans) expect(scan).toMatch(/^Index (Only )?Scan using job_run_details_pkey$/)
    // The newest runid (the end of the primary key), and nothing past the jobs' cursors.
    expect(idle.read).toBe(1)
    expect((await readsOf(call(watched), 'limit')).read).toBe(0)

    // Three new runs: each job reads those, and only those.
    await client.query(`
      insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
      select jobid, 7, 'postgres', 'postgres', 'select 1', 'succeeded', '1 row', now(), now()
      from cron.job where jobname in ('minutely', 'hourly', 'never')`)
    const next = await readsOf(call(watched))
    expect(next.rows).toEqual([{ recorded: 3, caught_up: true }])
    expect(next.read).toBeLessThanOrEqual(1 + 3 * watched.length)
  })

  it("records at most p_batch_size runs of a job's backlog per call, reading hardly more rows than that", async () => {
    // Its whole history (3,001 runs) asked for. The first batch reads the other jobs' rows
    // before the backlog's first run once; the next batch starts where it stopped.
    const backlog = call(['backlog'], `, null, 500, '-infinity'`)
    expect((await client.query(backlog)).rows).toEqual([{ recorded: 500, caught_up: false }])
    // The batch read is the statement with the limit.
    const batch = await readsOf(backlog, 'limit')
    expect(batch.rows).toEqual([{ recorded: 500, caught_up: false }])
    expect(batch.scans).toEqual(['Index Scan using job_run_details_pkey'])
    // The 500 runs, and the other jobs' rows among them (every 10th row is hourly's).
    expect(batch.read).toBeLessThan(600)
  })

  it('records each run of a backlog once, in order, with two monitors at once taking batches of their own', async () => {
    await client.query(`insert into cron.job (schedule, command, jobname) values ('* * * * *', 'select 1', 'shared')`)
    // Streaks of three failures among successes.
    await client.query(`
      insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
      select job.jobid, 7, 'postgres', 'postgres', 'select 1',
             case when i % 10 >= 7 then 'failed' else 'succeeded' end, 'x',
             now() - (1001 - i) * interval '1 second', now() - (1001 - i) * interval '1 second'
      from generate_series(1, 1000) as i, cron.job as job where job.jobname = 'shared'`)
    const pools = [0, 1].map(() => new pg.Pool({ connectionString: database.url, max: 2 }))
    try {
      const results = await Promise.all(
        pools.map((db, index) =>
          checkPgCronRuns({
            db,
            jobs: ['shared'],
            since: new Date(0),
            batchSize: 70 + 30 * index,
            logger: silentLogger,
          }),
        ),
      )
      expect(results.reduce((sum, result) => sum + result.recorded, 0)).toBe(1000)
    } finally {
      await Promise.all(pools.map((pool) => pool.end()))
    }
    const { rows } = await client.query<{ status: string; count: number }>(
      `select status, consecutive_failure_count as count from cronwarden.cron_execution_logs
       where job_name = 'pg_cron:shared' order by started_at, id`,
    )
    expect(rows).toHaveLength(1000)
    let streak = 0
    for (const row of rows) {
      streak = row.status === 'failed' ? streak + 1 : 0
      expect(row.count).toBe(streak)
    }
  })
})
