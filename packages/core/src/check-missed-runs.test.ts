import { describe, expect, it } from 'vitest'
import { alertEventSchema, type MissedRunEvent } from './alert-event.js'
import { checkMissedRuns, type ScheduledJob } from './check-missed-runs.js'
import { silentLogger } from './logger.js'
import { createMemoryStore } from './memory-store.js'
import type { ExecutionLogStore } from './ports.js'
import { createRecordingNotifier } from './testing/recording-notifier.js'

const utc = (iso: string) => new Date(iso)

/** A store holding one finished run of `jobName` that started at `startedAt`. */
async function storeWithRunAt(jobName: string, startedAt: string) {
  let clock = utc(startedAt)
  const store = createMemoryStore({ now: () => clock })
  await store.beginRun({
    jobName,
    runId: `run-${startedAt}`,
    leaseMs: 60_000,
    exclusive: true,
    host: null,
    alert: null,
  })
  clock = new Date(clock.getTime() + 1_000)
  await store.finishRun({
    jobName,
    runId: `run-${startedAt}`,
    status: 'succeeded',
    errorMessage: null,
    summary: null,
    alert: null,
  })
  return {
    store,
    runAt: async (iso: string) => {
      clock = utc(iso)
      await store.beginRun({ jobName, runId: `run-${iso}`, leaseMs: 60_000, exclusive: true, host: null, alert: null })
      await store.finishRun({
        jobName,
        runId: `run-${iso}`,
        status: 'succeeded',
        errorMessage: null,
        summary: null,
        alert: null,
      })
    },
  }
}

function checker(store: ExecutionLogStore, job: ScheduledJob) {
  const notifier = createRecordingNotifier()
  // Only missed times happen in these tests; narrowing keeps their fields typed.
  const check = async (at: string) =>
    (
      await checkMissedRuns({ store, jobs: [job], notifiers: [notifier], logger: silentLogger, now: () => utc(at) })
    ).filter((event): event is MissedRunEvent => event.type === 'missed_run')
  return { notifier, check }
}

const expectedTimes = (events: Array<{ expected_at: string }>) => events.map((event) => event.expected_at)

describe('checkMissedRuns', () => {
  it('reports a scheduled time with no run once, after the grace period, and not again on later checks', async () => {
    const jobName = 'daily-reminders'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T05:00:00.000Z')
    const { check, notifier } = checker(store, {
      jobName,
      schedule: '0 6 * * *',
      timezone: 'Europe/Oslo',
      graceMs: 10 * 60_000,
    })
    expect(await check('2026-01-06T05:09:59.000Z')).toEqual([])
    const [event] = await check('2026-01-06T05:10:00.000Z')
    expect(alertEventSchema.parse(event)).toEqual({
      type: 'missed_run',
      job_name: jobName,
      run_id: 'missed:daily-reminders:2026-01-06T05:00:00.000Z',
      occurred_at: '2026-01-06T05:10:00.000Z',
      expected_at: '2026-01-06T05:00:00.000Z',
      schedule: '0 6 * * *',
      timezone: 'Europe/Oslo',
      grace_ms: 600_000,
      last_run_at: '2026-01-05T05:00:00.000Z',
      last_success_at: '2026-01-05T05:00:01.000Z',
      down_since: '2026-01-06T05:00:00.000Z',
    })
    expect(await check('2026-01-06T07:00:00.000Z')).toEqual([])
    expect(await check('2026-01-06T23:59:00.000Z')).toEqual([])
    expect(notifier.events).toHaveLength(1)

    const [row] = await store.listRuns(jobName)
    expect(row).toMatchObject({
      run_id: event?.run_id,
      status: 'missed',
      started_at: '2026-01-06T05:00:00.000Z',
      finished_at: '2026-01-06T05:10:00.000Z',
      consecutive_failure_count: null,
      error_message: 'No run started within 600000 ms of 2026-01-06T05:00:00.000Z (0 6 * * *, Europe/Oslo)',
      deliveries: [expect.objectContaining({ notifier: 'recording', event_type: 'missed_run', status: 'delivered' })],
    })
  })

  it('keeps one incident across missed days, and a run ends it', async () => {
    const jobName = 'daily'
    const { store, runAt } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const { check } = checker(store, { jobName, schedule: '0 6 * * *', graceMs: 60_000 })
    const [first] = await check('2026-01-06T07:00:00.000Z')
    const [second] = await check('2026-01-07T07:00:00.000Z')
    expect(second).toMatchObject({ expected_at: '2026-01-07T06:00:00.000Z', down_since: first?.expected_at })
    expect(second?.last_run_at).toBe('2026-01-05T06:00:00.000Z')

    await runAt('2026-01-07T09:00:00.000Z') // someone ran it by hand
    expect(await check('2026-01-07T10:00:00.000Z')).toEqual([])
    const [next] = await check('2026-01-08T06:01:00.000Z')
    expect(next).toMatchObject({
      expected_at: '2026-01-08T06:00:00.000Z',
      down_since: '2026-01-08T06:00:00.000Z',
      last_run_at: '2026-01-07T09:00:00.000Z',
    })
  })

  it('does not let missed rows touch the failure streak', async () => {
    const jobName = 'streak'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const { check } = checker(store, { jobName, schedule: '0 6 * * *', graceMs: 60_000 })
    expect(await check('2026-01-09T07:00:00.000Z')).toHaveLength(4)
    await store.beginRun({ jobName, runId: 'late', leaseMs: 60_000, exclusive: true, host: null, alert: null })
    const finished = await store.finishRun({
      jobName,
      runId: 'late',
      status: 'failed',
      errorMessage: 'x',
      summary: null,
      alert: null,
    })
    expect(finished?.transition).toMatchObject({ previousFailureCount: 0, consecutiveFailureCount: 1 })
  })

  it('reports each missed time once when several checkers run at the same moment', async () => {
    const jobName = 'contended'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const job = { jobName, schedule: '0 * * * *', graceMs: 60_000 }
    const checkers = Array.from({ length: 5 }, () => checker(store, job))
    const results = await Promise.all(checkers.map(({ check }) => check('2026-01-05T12:30:00.000Z')))
    const all = results.flat()
    expect(all).toHaveLength(6)
    expect(new Set(all.map((event) => event.expected_at)).size).toBe(6)
  })

  it('reports the newest times only, up to maxEventsPerJob, with the incident starting at the first', async () => {
    const jobName = 'every-minute'
    const { store } = await storeWithRunAt(jobName, '2026-01-05T06:00:00.000Z')
    const events = (
      await checkMissedRuns({
        store,
        jobs: [{ jobName, schedule: '* * * * *', graceMs: 30_000 }],
        maxEventsPerJob: 10,
        logger: silentLogger,
        now: () => utc('2026-01-05T09:00:40.000Z'),
      })
    ).filter((event): event is MissedRunEvent => event.type === 'missed_run')
    expect(events).toHaveLength(10)
    expect(events[0]?.expected_at).toBe('2026-01-05T08:51:00.000Z')
    expect(events[9]?.expected_at).toBe('2026-01-05T09:00:00.000Z')
    expect(events.every((event) => event.down_since === '2026-01-05T06:01:00.000Z')).toBe(true)
  })

  it('expects nothing from a job that never ran, unless told since when', async () => {
    const store = createMemoryStore()
    const job = { jobName: 'new-job', schedule: '0 6 * * *', graceMs: 60_000 }
    expect(await checker(store, job).check('2026-01-10T07:00:00.000Z')).toEqual([])
    const events = await checker(store, { ...job, since: utc('2026-01-08T12:00:00.000Z') }).check(
      '2026-01-10T07:00:00.000Z',
    )
    expect(expectedTimes(events)).toEqual(['2026-01-09T06:00:00.000Z', '2026-01-10T06:00:00.000Z'])
    expect(events[0]?.last_run_at).toBeNull()
  })

  describe('calendar edge cases (schedules read in their time zone)', () => {
    const missedBetween = async (job: Omit<ScheduledJob, 'jobName'>, lastRun: string, at: string) => {
      const { store } = await storeWithRunAt('calendar', lastRun)
      return expectedTimes(await checker(store, { jobName: 'calendar', ...job }).check(at))
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
