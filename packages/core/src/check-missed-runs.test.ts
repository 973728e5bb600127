import { describe, expect, it } from 'vitest'
import { alertEventSchema } from './alert-event.js'
import { checkMissedRuns, type ScheduledJob } from './check-missed-runs.js'
import type { Logger } from './logger.js'
import { silentLogger } from './logger.js'
import { createMemoryStore } from './memory-store.js'
import type { ExecutionLogStore } from './ports.js'
import { createRecordingNotifier } from './testing/recording-notifier.js'
import { withFailureAlerting } from './with-failure-alerting.js'

const utc = (iso: string) => new Date(iso)

/** A store on a settable clock holding one succeeded run of `jobName` that started at `startedAt`. */
async function storeWithRunAt(jobName: string, startedAt: string) {
  let clock = utc(startedAt)
  const store = createMemoryStore({ now: () => clock })
  const run = async (iso: string, status: 'succeeded' | 'failed' = 'succeeded') => {
    clock = utc(iso)
    await store.beginRun({ jobName, runId: `run-${iso}`, leaseMs: 60_000, exclusive: true, host: null, alert: null })
    clock = new Date(clock.getTime() + 1_000)
    await store.finishRun({
      jobName,
      runId: `run-${iso}`,
      status,
      errorMessage: status === 'failed' ? 'boom' : null,
      summary: null,
      alert: null,
    })
  }
  await run(startedAt)
  return { store, runAt: run, setClock: (iso: string) => (clock = utc(iso)) }
}

function checker(store: ExecutionLogStore, job: ScheduledJob) {
  const notifier = createRecordingNotifier()
  const check = async (at: string) =>
    checkMissedRuns({ store, jobs: [job], notifiers: [notifier], logger: silentLogger, now: () => utc(at) })
  return { notifier, check }
}

/** The scheduled times recorded as missed, oldest first. */
const missedTimes = async (store: ExecutionLogStore, jobName: string) =>
  (await store.listRuns({ jobName, limit: 1_000 }))
    .filter((row) => row.status === 'missed')
    .map((row) => row.started_at)
    .reverse()

describe('checkMissedRuns', () => {
  it('counts missed times in the streak: a per-minute job that stops alerts once, at the second', async () => {
    const jobName = 'every-minute'
    const { store, setClock } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const { check, notifier } = checker(store, { jobName, schedule: '* * * * *', graceMs: 30_000 })
    // Checked every minute for 5 minutes, then once after 50 more.
    const results = []
    for (const at of ['06:01:30', '06:02:30', '06:03:30', '06:04:30', '06:05:30', '06:55:30']) {
      setClock(`2026-01-05T${at}.000Z`)
      results.push(await check(`2026-01-05T${at}.000Z`))
    }
    expect(results.map((result) => result.recorded)).toEqual([1, 1, 1, 1, 1, 50])
    expect(notifier.events).toHaveLength(1)
    expect(alertEventSchema.parse(notifier.events[0])).toEqual({
      type: 'missed_run',
      job_name: jobName,
      run_id: 'missed:every-minute:2026-01-05T06:02:00.000Z',
      occurred_at: '2026-01-05T06:02:30.000Z',
      expected_at: '2026-01-05T06:02:00.000Z',
      schedule: '* * * * *',
      timezone: 'UTC',
      grace_ms: 30_000,
      last_run_at: '2026-01-05T06:00:00.000Z',
      last_success_at: '2026-01-05T06:00:01.000Z',
      consecutive_failure_count: 2,
      threshold: 2,
      down_since: '2026-01-05T06:01:00.000Z',
    })
    expect(results[1]?.events).toEqual(notifier.events)
    expect((await store.getJob({ jobName }))?.consecutive_failure_count).toBe(55)
  })

  it('sends one alert for an hourly job found 3 hours late, not one per missed hour', async () => {
    const store = createMemoryStore()
    const { check, notifier } = checker(store, {
      jobName: 'hourly',
      schedule: '0 * * * *',
      graceMs: 60_000,
      since: utc('2026-01-05T05:30:00.000Z'),
    })
    const result = await check('2026-01-05T08:30:00.000Z')
    expect(result.recorded).toBe(3)
    expect(notifier.events.map((event) => event.type)).toEqual(['missed_run'])
    expect(notifier.events[0]).toMatchObject({
      expected_at: '2026-01-05T07:00:00.000Z',
      down_since: '2026-01-05T06:00:00.000Z',
      last_run_at: null,
    })
  })

  it('records each time once, however often checked, and alerts at the threshold only', async () => {
    const jobName = 'daily-reminders'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T05:00:00.000Z')
    const { check, notifier } = checker(store, {
      jobName,
      schedule: '0 6 * * *',
      timezone: 'Europe/Oslo',
      graceMs: 10 * 60_000,
    })
    expect(await check('2026-01-06T05:09:59.000Z')).toEqual({ recorded: 0, events: [] })
    expect(await check('2026-01-06T05:10:00.000Z')).toEqual({ recorded: 1, events: [] })
    expect(await check('2026-01-06T23:59:00.000Z')).toEqual({ recorded: 0, events: [] })
    expect(notifier.events).toEqual([])
    const [row] = await store.listRuns({ jobName })
    expect(row).toMatchObject({
      run_id: 'missed:daily-reminders:2026-01-06T05:00:00.000Z',
      status: 'missed',
      started_at: '2026-01-06T05:00:00.000Z',
      finished_at: '2026-01-06T05:10:00.000Z',
      consecutive_failure_count: 1,
      error_message: 'No run started within 600000 ms of 2026-01-06T05:00:00.000Z (0 6 * * *, Europe/Oslo)',
    })
    const second = await check('2026-01-07T05:10:00.000Z')
    expect(second.events).toMatchObject([{ type: 'missed_run', down_since: '2026-01-06T05:00:00.000Z' }])
    const [alerted] = await store.listRuns({ jobName })
    expect(alerted?.deliveries).toEqual([
      expect.objectContaining({ notifier: 'recording', event_type: 'missed_run', status: 'delivered' }),
    ])
  })

  it('mixes failed runs and missed times in one streak, and a run ends it', async () => {
    const jobName = 'daily'
    const { store, runAt } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const { check, notifier } = checker(store, { jobName, schedule: '0 6 * * *', graceMs: 60_000 })
    await runAt('2026-01-06T06:00:00.000Z', 'failed')
    // The failure began the streak; the missed 7th reaches the threshold.
    const { events } = await check('2026-01-07T07:00:00.000Z')
    expect(events).toMatchObject([
      {
        type: 'missed_run',
        expected_at: '2026-01-07T06:00:00.000Z',
        consecutive_failure_count: 2,
        down_since: '2026-01-06T06:00:00.000Z',
        last_run_at: '2026-01-06T06:00:00.000Z',
      },
    ])
    await check('2026-01-08T07:00:00.000Z')
    expect(notifier.events).toHaveLength(1)

    await runAt('2026-01-08T09:00:00.000Z') // someone ran it by hand
    expect(await check('2026-01-08T10:00:00.000Z')).toEqual({ recorded: 0, events: [] })
    expect((await store.getJob({ jobName }))?.consecutive_failure_count).toBe(0)
    expect(await missedTimes(store, jobName)).toEqual(['2026-01-07T06:00:00.000Z', '2026-01-08T06:00:00.000Z'])
  })

  it('lets the wrapper alert when a failed run follows a missed time, and announce the recovery', async () => {
    let clock = utc('2026-01-05T06:00:00.000Z')
    const store = createMemoryStore({ now: () => clock })
    const notifier = createRecordingNotifier()
    let broken = true
    const job = withFailureAlerting(
      async () => {
        if (broken) throw new Error('smtp down')
      },
      {
        jobName: 'daily',
        store,
        notifiers: [notifier],
        notifyOnRecovery: true,
        logger: silentLogger,
        now: () => clock,
      },
    )
    broken = false
    await job()
    const check = () =>
      checkMissedRuns({
        store,
        jobs: [{ jobName: 'daily', schedule: '0 6 * * *', graceMs: 60_000 }],
        notifiers: [notifier],
        logger: silentLogger,
        now: () => clock,
      })
    clock = utc('2026-01-06T07:00:00.000Z')
    await check()
    broken = true
    clock = utc('2026-01-07T06:00:00.000Z')
    await expect(job()).rejects.toThrow('smtp down')
    clock = utc('2026-01-08T06:00:00.000Z')
    await expect(job()).rejects.toThrow('smtp down')
    broken = false
    clock = utc('2026-01-09T06:00:00.000Z')
    await job()
    expect(notifier.events.map((event) => [event.type, 'down_since' in event ? event.down_since : null])).toEqual([
      ['consecutive_failures', '2026-01-06T06:00:00.000Z'],
      ['recovered', '2026-01-06T06:00:00.000Z'],
    ])
    expect(notifier.events[1]).toMatchObject({ failures_in_streak: 3 })
  })

  it("alerts at the job's own threshold", async () => {
    const jobName = 'strict'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const { check } = checker(store, { jobName, schedule: '0 6 * * *', graceMs: 60_000, failureThreshold: 1 })
    const { events } = await check('2026-01-06T07:00:00.000Z')
    expect(events).toMatchObject([{ type: 'missed_run', consecutive_failure_count: 1, threshold: 1 }])
  })

  it('reminds while the job stays down, once per realertEveryMs', async () => {
    const jobName = 'hourly'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T00:00:00.000Z')
    const { check, notifier } = checker(store, {
      jobName,
      schedule: '0 * * * *',
      graceMs: 60_000,
      realertEveryMs: 6 * 3_600_000,
    })
    for (let hour = 1; hour <= 20; hour++) await check(`2026-01-05T${String(hour).padStart(2, '0')}:30:00.000Z`)
    expect(notifier.events.map((event) => [event.type, event.run_id.slice(-24)])).toEqual([
      ['missed_run', '2026-01-05T02:00:00.000Z'],
      ['still_failing', '2026-01-05T07:00:00.000Z'],
      ['still_failing', '2026-01-05T13:00:00.000Z'],
      ['still_failing', '2026-01-05T19:00:00.000Z'],
    ])
    expect(notifier.events[3]).toMatchObject({ consecutive_failure_count: 19, down_for_ms: 18 * 3_600_000 + 60_000 })
  })

  it('records and alerts once when several checkers run at the same moment', async () => {
    const jobName = 'contended'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const job = { jobName, schedule: '0 * * * *', graceMs: 60_000 }
    const checkers = Array.from({ length: 5 }, () => checker(store, job))
    const results = await Promise.all(checkers.map(({ check }) => check('2026-01-05T12:30:00.000Z')))
    expect(results.reduce((sum, result) => sum + result.recorded, 0)).toBe(6)
    expect(checkers.flatMap(({ notifier }) => notifier.events)).toHaveLength(1)
    expect(await missedTimes(store, jobName)).toHaveLength(6)
    expect((await store.getJob({ jobName }))?.consecutive_failure_count).toBe(6)
  })

  it('records the newest times only, up to maxMissedPerJob, with the incident starting at the first', async () => {
    const jobName = 'every-minute'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const result = await checkMissedRuns({
      store,
      jobs: [{ jobName, schedule: '* * * * *', graceMs: 30_000 }],
      maxMissedPerJob: 10,
      logger: silentLogger,
      now: () => utc('2026-01-05T09:00:40.000Z'),
    })
    expect(result.recorded).toBe(10)
    const times = await missedTimes(store, jobName)
    expect([times[0], times[9]]).toEqual(['2026-01-05T08:51:00.000Z', '2026-01-05T09:00:00.000Z'])
    expect((await store.getJob({ jobName }))?.down_since).toBe('2026-01-05T08:51:00.000Z')
  })

  it('expects nothing from a job that never ran, unless told since when', async () => {
    const store = createMemoryStore()
    const job = { jobName: 'new-job', schedule: '0 6 * * *', graceMs: 60_000 }
    expect(await checker(store, job).check('2026-01-10T07:00:00.000Z')).toEqual({ recorded: 0, events: [] })
    await checker(store, { ...job, since: utc('2026-01-08T12:00:00.000Z') }).check('2026-01-10T07:00:00.000Z')
    expect(await missedTimes(store, 'new-job')).toEqual(['2026-01-09T06:00:00.000Z', '2026-01-10T06:00:00.000Z'])
  })

  it("reads the job's row, never its runs, to find the last run", async () => {
    const jobName = 'big-log'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const noListing: ExecutionLogStore = {
      ...store,
      listRuns: () => Promise.reject(new Error('listRuns is not for the check')),
    }
    const { check } = checker(noListing, { jobName, schedule: '0 6 * * *', graceMs: 60_000 })
    expect((await check('2026-01-07T07:00:00.000Z')).recorded).toBe(2)
  })

  it('logs the decided alert as a warning when there are no notifiers', async () => {
    const jobName = 'quiet'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const warnings: unknown[] = []
    const logger: Logger = { ...silentLogger, warn: (_message, fields) => warnings.push(fields) }
    const result = await checkMissedRuns({
      store,
      jobs: [{ jobName, schedule: '0 6 * * *', graceMs: 60_000 }],
      logger,
      now: () => utc('2026-01-08T07:00:00.000Z'),
    })
    expect(result).toEqual({ recorded: 3, events: [] })
    expect(warnings).toEqual([{ event: expect.objectContaining({ type: 'missed_run', consecutive_failure_count: 2 }) }])
  })

  describe('calendar edge cases (schedules read in their time zone)', () => {
    const missedBetween = async (job: Omit<ScheduledJob, 'jobName'>, lastRun: string, at: string) => {
      const { store } = await storeWithRunAt('calendar', lastRun)
      await checker(store, { jobName: 'calendar', ...job }).check(at)
      return missedTimes(store, 'calendar')
    }

    it('runs a 02:30 Oslo job at 03:00 on the spring-forward day, once', async () => {
      expect(
        await missedBetween(
          { schedule: '30 2 * * *', timezone: 'Europe/Oslo', graceMs: 60_000 },
          '2026-03-28T01:30:00.000Z',
          '2026-03-29T12:00:00.000Z',
        ),
      ).toEqual(['2026-03-29T01:00:00.000Z'])
    })

    it('expects a 02:30 Oslo job once on the fall-back day, when 02:30 happens twice', async () => {
      expect(
        await missedBetween(
          { schedule: '30 2 * * *', timezone: 'Europe/Oslo', graceMs: 60_000 },
          '2026-10-24T00:30:00.000Z',
          '2026-10-25T12:00:00.000Z',
        ),
      ).toEqual(['2026-10-25T00:30:00.000Z'])
    })

    it('moves a 02:30 New York job to 03:00 EDT on the spring-forward day', async () => {
      expect(
        await missedBetween(
          { schedule: '30 2 * * *', timezone: 'America/New_York', graceMs: 60_000 },
          '2026-03-07T07:30:00.000Z',
          '2026-03-08T12:00:00.000Z',
        ),
      ).toEqual(['2026-03-08T07:00:00.000Z'])
    })

    it('expects an hourly New York job every real hour through the fall-back night', async () => {
      expect(
        await missedBetween(
          { schedule: '0 * * * *', timezone: 'America/New_York', graceMs: 60_000 },
          '2026-11-01T04:00:00.000Z',
          '2026-11-01T08:30:00.000Z',
        ),
      ).toEqual([
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T06:00:00.000Z', // 01:00 EST, the repeated hour
        '2026-11-01T07:00:00.000Z',
        '2026-11-01T08:00:00.000Z',
      ])
    })

    it('skips months without a 31st', async () => {
      expect(
        await missedBetween(
          { schedule: '0 6 31 * *', graceMs: 60_000 },
          '2026-01-31T06:00:00.000Z',
          '2026-06-01T00:00:00.000Z',
        ),
      ).toEqual(['2026-03-31T06:00:00.000Z', '2026-05-31T06:00:00.000Z'])
    })

    it('finds the last day of each month, leap February included', async () => {
      expect(
        await missedBetween(
          { schedule: '0 6 L * *', graceMs: 60_000 },
          '2028-01-31T06:00:00.000Z',
          '2028-04-01T00:00:00.000Z',
        ),
      ).toEqual(['2028-02-29T06:00:00.000Z', '2028-03-31T06:00:00.000Z'])
    })

    it('expects a 29 February job only in leap years', async () => {
      expect(
        await missedBetween(
          { schedule: '0 6 29 2 *', graceMs: 60_000 },
          '2024-02-29T06:00:00.000Z',
          '2028-03-01T00:00:00.000Z',
        ),
      ).toEqual(['2028-02-29T06:00:00.000Z'])
    })
  })

  it('rejects a bad schedule or time zone, naming the job and field', async () => {
    const store = createMemoryStore()
    await expect(
      checkMissedRuns({ store, jobs: [{ jobName: 'x', schedule: 'every day' }], logger: silentLogger }),
    ).rejects.toThrow(/jobs\.0\.schedule: expected a cron expression/)
    await expect(
      checkMissedRuns({ store, jobs: [{ jobName: 'x', schedule: '0 6 * * *', timezone: 'Mars/Olympus' }] }),
    ).rejects.toThrow(/jobs\.0\.timezone: expected an IANA time zone/)
  })
})
