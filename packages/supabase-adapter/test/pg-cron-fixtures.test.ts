import { StoreError, silentLogger } from '@cronwarden/core'
import { createRecordingNotifier } from '@cronwarden/core/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { checkPgCronRuns } from '../src/index.js'
import { pgCronOnPglite } from './support/pg-cron-pglite.js'

// Recorded shapes of cron.job_run_details rows, replayed into tables of pg_cron's shape.
const { db, store, scheduleJob } = pgCronOnPglite()

let jobName = ''
let jobid = 0
beforeEach(async () => {
  jobName = `job-${Math.random().toString(36).slice(2, 8)}`
  jobid = await scheduleJob(jobName)
  // Watched from before its first run: a job's first call starts at its newest run.
  await checkPgCronRuns({ db, jobs: [jobName], logger: silentLogger })
})

interface Run {
  status: string
  message?: string | null
  start?: string | null
  end?: string | null
  pid?: number
}

async function pgCronRan(run: Run, ofJob = jobid): Promise<number> {
  const { rows } = await db.query<{ runid: number }>(
    `insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
     values ($1, $2, 'postgres', 'postgres', 'select 1', $3, $4, $5, $6) returning runid`,
    [ofJob, run.pid ?? 4242, run.status, run.message ?? null, run.start ?? null, run.end ?? null],
  )
  return Number(rows[0]?.runid)
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()

function monitor(overrides: Partial<Parameters<typeof checkPgCronRuns>[0]> = {}) {
  const notifier = createRecordingNotifier()
  const check = () =>
    checkPgCronRuns({ db, jobs: [jobName], notifiers: [notifier], logger: silentLogger, ...overrides })
  return { notifier, check }
}

const logged = async () =>
  (await store.listRuns({ jobName: `pg_cron:${jobName}` })).map((row) => [
    row.status,
    row.consecutive_failure_count,
    row.error_message,
  ])

describe('checkPgCronRuns on recorded pg_cron rows', () => {
  it('alerts once for two consecutive failed triggers, with pg_cron return_message and the last success', async () => {
    const { check, notifier } = monitor()
    await pgCronRan({
      status: 'succeeded',
      message: '1 row',
      start: '2026-01-04T06:00:00.010Z',
      end: '2026-01-04T06:00:00.020Z',
    })
    await pgCronRan({
      status: 'failed',
      message: 'ERROR:  division by zero\n',
      start: '2026-01-05T06:00:00.010Z',
      end: '2026-01-05T06:00:00.020Z',
    })
    expect(await check()).toMatchObject({ recorded: 2, events: [] })
    // The failure's entry was written with its transition, owed to this monitor's notifiers;
    // the first success ended no streak, so it has none.
    const [failed] = await store.listRuns({ jobName: `pg_cron:${jobName}` })
    expect(
      (await store.listAlerts({ jobName: `pg_cron:${jobName}` })).map((entry) => [
        entry.run_id,
        entry.notifiers.map((state) => state.notifier),
      ]),
    ).toEqual([[failed?.run_id, ['recording']]])
    // Background-worker mode reports the bare message.
    await pgCronRan({
      status: 'failed',
      message: 'division by zero',
      start: '2026-01-06T06:00:00.010Z',
      end: '2026-01-06T06:00:00.030Z',
    })
    const result = await check()
    expect(result.recorded).toBe(1)
    expect(notifier.events).toEqual([
      expect.objectContaining({
        type: 'consecutive_failures',
        job_name: `pg_cron:${jobName}`,
        error_message: 'division by zero',
        consecutive_failure_count: 2,
        last_success_at: '2026-01-04T06:00:00.020Z',
        started_at: '2026-01-06T06:00:00.010Z',
        finished_at: '2026-01-06T06:00:00.030Z',
        down_since: '2026-01-05T06:00:00.010Z',
      }),
    ])
    await pgCronRan({
      status: 'failed',
      message: 'server restarted',
      start: '2026-01-07T06:00:00.010Z',
      end: '2026-01-07T06:00:01Z',
    })
    await check()
    expect(notifier.events).toHaveLength(1)
    expect(await logged()).toEqual([
      ['failed', 3, 'server restarted'],
      ['failed', 2, 'division by zero'],
      ['failed', 1, 'ERROR:  division by zero'],
      ['succeeded', 0, null],
    ])
    const [alerted] = await store.listRuns({ jobName: `pg_cron:${jobName}` }).then((rows) => rows.slice(1, 2))
    expect(alerted?.deliveries).toMatchObject([{ notifier: 'recording', status: 'delivered' }])
  })

  it("delivers only its own jobs' alerts: a monitor of another job leaves them", async () => {
    for (const day of [1, 2]) {
      await pgCronRan({ status: 'failed', message: 'ERROR:  boom', start: null, end: `2026-03-0${day}T06:00:05Z` })
    }
    // Recorded by pg_cron calling the ingestion itself: the entries wait for a dispatcher.
    await db.query('select cronwarden.ingest_pg_cron($1::text[], $2::text[], 600000)', [
      [jobName],
      [`pg_cron:${jobName}`],
    ])
    const other = createRecordingNotifier()
    const otherJob = `other-${jobName}`
    await db.query(`insert into cron.job (schedule, command, jobname) values ('0 6 * * *', 'select 1', $1)`, [otherJob])
    await checkPgCronRuns({ db, jobs: [otherJob], notifiers: [other], logger: silentLogger })
    expect(other.events).toEqual([])
    const own = monitor({ ingest: false })
    await own.check()
    expect(own.notifier.events).toEqual([
      expect.objectContaining({ type: 'consecutive_failures', job_name: `pg_cron:${jobName}` }),
    ])
  })

  it('never counts a row twice, across calls and with two monitors at once', async () => {
    for (let day = 1; day <= 4; day++) {
      await pgCronRan({
        status: 'failed',
        message: 'job startup timeout',
        start: null,
        end: `2026-02-0${day}T06:00:05Z`,
      })
    }
    const first = monitor()
    const second = monitor()
    const results = await Promise.all([first.check(), second.check()])
    expect(results.map((result) => result.recorded).sort()).toEqual([0, 4])
    // One entry per failure, each written once, in the same transaction as its row.
    const runIds = (await store.listRuns({ jobName: `pg_cron:${jobName}` })).map((row) => row.run_id)
    expect((await store.listAlerts({ jobName: `pg_cron:${jobName}` })).map((entry) => entry.run_id)).toEqual(runIds)
    expect(first.notifier.events.length + second.notifier.events.length).toBe(1)
    expect((await first.check()).recorded).toBe(0)
    expect((await logged()).map(([, count]) => count)).toEqual([4, 3, 2, 1])
  })

  it('resets the streak on a successful trigger, and can announce the recovery', async () => {
    const { check, notifier } = monitor({ notifyOnRecovery: true })
    await pgCronRan({ status: 'failed', message: 'connection failed', start: null, end: minutesAgo(3) })
    await pgCronRan({ status: 'failed', message: 'connection failed', start: null, end: minutesAgo(2) })
    await pgCronRan({ status: 'succeeded', message: '1 row', start: minutesAgo(1), end: minutesAgo(1) })
    await check()
    expect(notifier.events.map((event) => event.type)).toEqual(['consecutive_failures', 'recovered'])
    expect((await logged())[0]).toEqual(['succeeded', 0, null])
  })

  it('waits for a run in progress, then counts it as failed once when it is stuck past the limit', async () => {
    const { check } = monitor({ stuckAfterMs: 5 * 60_000 })
    const stuck = await pgCronRan({ status: 'running', start: minutesAgo(2) })
    await pgCronRan({ status: 'succeeded', message: '1 row', start: minutesAgo(1), end: minutesAgo(1) })
    // The later success waits: the streak is kept in the order pg_cron ran things.
    expect((await check()).recorded).toBe(0)
    await db.query(`update cron.job_run_details set start_time = $1 where runid = $2`, [minutesAgo(6), stuck])
    expect((await check()).recorded).toBe(2)
    expect(await logged()).toEqual([
      ['succeeded', 0, null],
      ['failed', 1, expect.stringMatching(new RegExp(`^pg_cron run ${stuck} stuck in status "running" since `))],
    ])
    // pg_cron finishing the stuck run later does not count it again.
    await db.query(`update cron.job_run_details set status = 'succeeded', end_time = now() where runid = $1`, [stuck])
    expect((await check()).recorded).toBe(0)
  })

  it('times a row stuck in starting from when it was first seen, since pg_cron has not set start_time', async () => {
    const { check } = monitor({ stuckAfterMs: 60_000 })
    const starting = await pgCronRan({ status: 'starting' })
    expect((await check()).recorded).toBe(0)
    await db.query(
      `update cronwarden.pg_cron_first_seen set first_seen_at = now() - interval '2 minutes' where runid = $1`,
      [starting],
    )
    expect((await check()).recorded).toBe(1)
    expect((await logged())[0]?.[2]).toMatch(/stuck in status "starting"/)
  })

  describe('Edge Function calls through pg_net', () => {
    async function triggerWithRequest(
      response: {
        status_code?: number | null
        timed_out?: boolean
        error_msg?: string | null
        content?: string
      } | null,
      start = minutesAgo(1),
    ) {
      const pid = 5000 + Math.floor(Math.random() * 1000)
      const { rows } = await db.query<{ id: number }>("select nextval('cron.runid_seq') + 100000 as id")
      const requestId = Number(rows[0]?.id)
      await db.query(
        `insert into cronwarden.pg_net_requests (request_id, backend_pid, requested_at) values ($1, $2, $3::timestamptz + interval '1 millisecond')`,
        [requestId, pid, start],
      )
      await pgCronRan({
        status: 'succeeded',
        message: '1 row',
        start,
        end: new Date(new Date(start).getTime() + 5).toISOString(),
        pid,
      })
      if (response) {
        await db.query(
          `insert into net._http_response (id, status_code, timed_out, error_msg, content) values ($1, $2, $3, $4, $5)`,
          [
            requestId,
            response.status_code ?? null,
            response.timed_out ?? false,
            response.error_msg ?? null,
            response.content ?? '',
          ],
        )
      }
      return requestId
    }

    it('fails the trigger on an HTTP error, a timeout or a transport error, and passes it on a 2xx', async () => {
      const { check } = monitor()
      await triggerWithRequest({ status_code: 200, content: '{"sent":3}' }, minutesAgo(4))
      await triggerWithRequest({ status_code: 500, content: '{"error":"push service down"}' }, minutesAgo(3))
      const timedOut = await triggerWithRequest({ timed_out: true, status_code: null }, minutesAgo(2))
      const broken = await triggerWithRequest(
        { error_msg: "Couldn't resolve host name", status_code: null },
        minutesAgo(1),
      )
      await check()
      expect(await logged()).toEqual([
        ['failed', 3, `pg_net request ${broken} failed: Couldn't resolve host name`],
        ['failed', 2, `pg_net request ${timedOut} timed out`],
        ['failed', 1, 'HTTP 500 from the Edge Function: {"error":"push service down"}'],
        ['succeeded', 0, null],
      ])
    })

    it('waits for a missing response, then fails the trigger once it is overdue', async () => {
      const { check } = monitor({ stuckAfterMs: 5 * 60_000 })
      const requestId = await triggerWithRequest(null, minutesAgo(1))
      expect((await check()).recorded).toBe(0)
      await db.query(
        `update cron.job_run_details set start_time = start_time - interval '10 minutes', end_time = end_time - interval '10 minutes' where jobid = $1`,
        [jobid],
      )
      await db.query(
        `update cronwarden.pg_net_requests set requested_at = requested_at - interval '10 minutes' where request_id = $1`,
        [requestId],
      )
      expect((await check()).recorded).toBe(1)
      expect((await logged())[0]?.[2]).toBe(`pg_net request ${requestId} got no response within 300000 ms`)
    })
  })

  it('delivers transitions that the SQL function recorded on its own (pg_cron calling ingest)', async () => {
    await pgCronRan({ status: 'failed', message: 'boom', start: minutesAgo(2), end: minutesAgo(2) })
    await pgCronRan({ status: 'failed', message: 'boom', start: minutesAgo(1), end: minutesAgo(1) })
    await db.query(`select cronwarden.ingest_pg_cron(array[$1], array[$2], 600000)`, [jobName, `pg_cron:${jobName}`])
    // Without an alert spec: the default policy, 24 h to live, unclaimed, and owed to the
    // notifiers of whichever dispatcher claims them first.
    const { rows: entries } = await db.query(
      `select policy, notifiers, claim_token, status, expires_at - created_at = interval '24 hours' as day_to_live
       from cronwarden.cron_alerts where job_name = $1 order by alert_id`,
      [`pg_cron:${jobName}`],
    )
    const written = {
      // Stored with every entry since 0007: null, no reminders.
      policy: { failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null },
      notifiers: [],
      claim_token: null,
      status: 'pending',
      day_to_live: true,
    }
    expect(entries).toEqual([written, written])
    const { check, notifier } = monitor({ ingest: false })
    expect(await check()).toMatchObject({
      recorded: 0,
      events: [expect.objectContaining({ consecutive_failure_count: 2 })],
    })
    expect(notifier.events).toHaveLength(1)
    expect((await check()).events).toEqual([])
  })

  it('logs under a name of your choice', async () => {
    await pgCronRan({ status: 'succeeded', message: '1 row', start: minutesAgo(1), end: minutesAgo(1) })
    await checkPgCronRuns({ db, jobs: [{ pgCronJob: jobName, jobName: `${jobName}-trigger` }], logger: silentLogger })
    expect(await store.listRuns({ jobName: `${jobName}-trigger` })).toHaveLength(1)
  })

  it('bounds the ingestion by storeTimeoutMs: a database that never answers rejects with a StoreError', async () => {
    const silent = { query: () => new Promise<never>(() => {}) }
    const error = await checkPgCronRuns({
      db: silent,
      jobs: [jobName],
      storeTimeoutMs: 200,
      logger: silentLogger,
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ operation: 'ingestPgCron', cause: { name: 'StoreTimeoutError', timeoutMs: 200 } })
  })

  it("bounds the delivery's store calls by storeTimeoutMs too", async () => {
    const silent = { query: () => new Promise<never>(() => {}) }
    const error = await checkPgCronRuns({
      db: silent,
      jobs: [jobName],
      ingest: false,
      storeTimeoutMs: 200,
      logger: silentLogger,
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StoreError)
    expect(error).toMatchObject({ operation: 'claimAlerts', cause: { name: 'StoreTimeoutError' } })
  })

  it('delivers to the other notifier when the logger, the clock and one notifier throw', async () => {
    const throws = () => {
      throw new Error('user code')
    }
    const broken = createRecordingNotifier({ name: 'broken', behaviour: throws })
    const other = createRecordingNotifier({ name: 'other' })
    for (const day of [1, 2]) {
      await pgCronRan({ status: 'failed', message: 'ERROR:  boom', start: null, end: `2026-04-0${day}T06:00:05Z` })
    }
    const result = await checkPgCronRuns({
      db,
      jobs: [jobName],
      notifiers: [broken, other],
      logger: { info: throws, warn: throws, error: throws },
      now: throws,
    })
    expect(result.events).toHaveLength(1)
    expect(other.events).toEqual([expect.objectContaining({ type: 'consecutive_failures' })])
    expect(broken.events).toHaveLength(1)
  })

  it('rejects bad options, naming the field', async () => {
    await expect(checkPgCronRuns({ db, jobs: [] })).rejects.toThrow(/jobs: Too small/)
    await expect(checkPgCronRuns({ db: {} as never, jobs: ['x'] })).rejects.toThrow(
      /db: expected a postgres\.js Sql, a node-postgres Pool or Client, or a PGlite instance/,
    )
    await expect(checkPgCronRuns({ db, jobs: ['x'], notifiers: [{ name: 'x' }] as never })).rejects.toThrow(
      /notifiers\.0: expected a Notifier/,
    )
    await expect(checkPgCronRuns({ db, jobs: ['x'], stuckAfter: 5 } as never)).rejects.toThrow(
      /stuckAfter: unknown option \(did you mean "stuckAfterMs"\?\)/,
    )
    await expect(checkPgCronRuns({ db, jobs: [{ pgCronJob: 'x', jobName: 'bad\u0000name' }] })).rejects.toThrow(
      /jobs\.0\.jobName: expected a job name without control or bidi characters/,
    )
    await expect(checkPgCronRuns({ db, jobs: ['x'], storeTimeoutMs: 0 })).rejects.toThrow(/storeTimeoutMs/)
    await expect(checkPgCronRuns({ db, jobs: ['x'], logger: { error() {} } as never })).rejects.toThrow(/logger/)
    await expect(checkPgCronRuns({ db, jobs: ['x'], batchSize: 0 })).rejects.toThrow(/batchSize/)
    await expect(checkPgCronRuns({ db, jobs: ['x'], since: '2026-01-01' as never })).rejects.toThrow(/since/)
  })
})

describe("where a job's ingestion starts, and how much one transaction takes", () => {
  /** A job that pg_cron ran before anything watched it. */
  async function jobWithHistory(runs: Run[]): Promise<{ name: string; id: number }> {
    const name = `old-${Math.random().toString(36).slice(2, 8)}`
    const id = await scheduleJob(name)
    for (const run of runs) await pgCronRan(run, id)
    return { name, id }
  }
  const logOf = async (name: string) =>
    (await store.listRuns({ jobName: `pg_cron:${name}` })).map((row) => [
      row.status,
      row.consecutive_failure_count,
      row.error_message,
    ])
  const failedAt = (minutes: number, message = 'boom'): Run => ({
    status: 'failed',
    message,
    start: minutesAgo(minutes),
    end: minutesAgo(minutes),
  })

  it("records none of a job's history on its first call, then every run after it", async () => {
    const { name, id } = await jobWithHistory([
      failedAt(30),
      failedAt(20),
      { status: 'succeeded', message: '1 row', start: minutesAgo(10), end: minutesAgo(10) },
      failedAt(5),
    ])
    const notifier = createRecordingNotifier()
    const check = () => checkPgCronRuns({ db, jobs: [name], notifiers: [notifier], logger: silentLogger })
    expect(await check()).toEqual({ recorded: 0, events: [] })
    expect(await logOf(name)).toEqual([])
    await pgCronRan(failedAt(1, 'ERROR:  boom\n'), id)
    expect((await check()).recorded).toBe(1)
    // A streak of its own: the failure before the first call is history, not counted.
    expect(await logOf(name)).toEqual([['failed', 1, 'ERROR:  boom']])
    expect(notifier.events).toEqual([])
  })

  it('records a run still in progress at the first call once it finishes', async () => {
    const { name, id } = await jobWithHistory([
      { status: 'succeeded', message: '1 row', start: minutesAgo(10), end: minutesAgo(10) },
    ])
    const running = await pgCronRan({ status: 'running', start: minutesAgo(1) }, id)
    const check = () => checkPgCronRuns({ db, jobs: [name], logger: silentLogger })
    expect((await check()).recorded).toBe(0)
    await db.query(
      `update cron.job_run_details set status = 'failed', return_message = 'boom', end_time = now() where runid = $1`,
      [running],
    )
    expect((await check()).recorded).toBe(1)
    expect(await logOf(name)).toEqual([['failed', 1, 'boom']])
  })

  it('records the runs since a date when asked, on the first call only', async () => {
    const history = [
      failedAt(90, 'old'),
      failedAt(50, 'recent'),
      // A startup timeout: pg_cron never set its start time.
      { status: 'failed', message: 'job startup timeout', start: null, end: minutesAgo(40) },
    ]
    const recent = await jobWithHistory(history)
    const since = new Date(Date.now() - 60 * 60_000)
    expect((await checkPgCronRuns({ db, jobs: [recent.name], since, logger: silentLogger })).recorded).toBe(2)
    expect(await logOf(recent.name)).toEqual([
      ['failed', 2, 'job startup timeout'],
      ['failed', 1, 'recent'],
    ])
    // Once a job has a cursor, `since` changes nothing.
    const again = await checkPgCronRuns({ db, jobs: [recent.name], since: new Date(0), logger: silentLogger })
    expect(again.recorded).toBe(0)

    const whole = await jobWithHistory(history)
    expect((await checkPgCronRuns({ db, jobs: [whole.name], since: new Date(0), logger: silentLogger })).recorded).toBe(
      3,
    )
  })

  it('commits at most batchSize runs per transaction, and repeats until it has caught up', async () => {
    for (const minutes of [5, 4, 3, 2, 1]) await pgCronRan(failedAt(minutes))
    // One SQL call records at most p_batch_size runs, commits them, and says there may be more.
    const { rows } = await db.query('select * from cronwarden.ingest_pg_cron(array[$1], array[$2], 600000, null, 2)', [
      jobName,
      `pg_cron:${jobName}`,
    ])
    expect(rows).toEqual([{ recorded: 2, caught_up: false }])
    expect(await logged()).toHaveLength(2)
    // checkPgCronRuns calls it again, each call its own transaction, until it is caught up.
    const batches: unknown[] = []
    const counting = {
      query: async (text: string, values?: unknown[]) => {
        const result = await db.query(text, values)
        if (text.includes('ingest_pg_cron')) batches.push(...result.rows)
        return result
      },
    }
    const result = await checkPgCronRuns({ db: counting, jobs: [jobName], batchSize: 2, logger: silentLogger })
    expect(result.recorded).toBe(3)
    expect(batches).toEqual([
      { recorded: 2, caught_up: false },
      { recorded: 1, caught_up: true },
    ])
    expect((await logged()).map(([, count]) => count)).toEqual([5, 4, 3, 2, 1])
  })

  it('records each run once when two monitors take turns batch by batch', async () => {
    for (const minutes of [7, 6, 5, 4, 3, 2, 1]) await pgCronRan(failedAt(minutes))
    const first = monitor({ batchSize: 1 })
    const second = monitor({ batchSize: 2 })
    const results = await Promise.all([first.check(), second.check()])
    expect(results[0].recorded + results[1].recorded).toBe(7)
    expect((await logged()).map(([, count]) => count)).toEqual([7, 6, 5, 4, 3, 2, 1])
    expect(first.notifier.events.length + second.notifier.events.length).toBe(1)
  })
})
