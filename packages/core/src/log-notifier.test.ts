import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AlertEvent } from './alert-event.js'
import { createLogNotifier } from './log-notifier.js'

const failure: AlertEvent = {
  type: 'consecutive_failures',
  job_name: 'reminders',
  run_id: 'run-2',
  occurred_at: '2026-01-05T06:01:00.000Z',
  error_message: 'push service 503',
  last_success_at: '2026-01-03T06:00:05.000Z',
  consecutive_failure_count: 2,
  threshold: 2,
  started_at: '2026-01-05T06:00:00.000Z',
  finished_at: '2026-01-05T06:00:59.000Z',
  duration_ms: 59_000,
  down_since: '2026-01-04T06:00:00.000Z',
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('createLogNotifier', () => {
  it('writes one JSON line per failure event to stderr with every field at the top level', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {})
    await createLogNotifier().notify(failure, { signal: new AbortController().signal })
    expect(stderr).toHaveBeenCalledTimes(1)
    const line = String(stderr.mock.calls[0]?.[0])
    expect(line).not.toContain('\n')
    expect(JSON.parse(line)).toEqual({
      level: 'error',
      source: 'cronwarden.alert',
      message: 'reminders failed 2 times in a row: push service 503',
      ...failure,
    })
  })

  it('writes recoveries to stdout at info level', async () => {
    const stdout = vi.spyOn(console, 'log').mockImplementation(() => {})
    await createLogNotifier().notify(
      {
        type: 'recovered',
        job_name: 'reminders',
        run_id: 'run-4',
        occurred_at: '2026-01-06T06:01:00.000Z',
        failures_in_streak: 3,
        down_since: '2026-01-04T06:00:00.000Z',
        last_success_at: '2026-01-06T06:00:30.000Z',
      },
      { signal: new AbortController().signal },
    )
    expect(JSON.parse(String(stdout.mock.calls[0]?.[0]))).toMatchObject({
      level: 'info',
      message: 'reminders recovered after 3 consecutive failures',
    })
  })

  it('writes a still_failing reminder to stderr at error level, naming the incident and how long it has been down', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {})
    const reminder: AlertEvent = {
      type: 'still_failing',
      job_name: 'reminders',
      run_id: 'run-5',
      occurred_at: '2026-01-05T18:00:59.000Z',
      error_message: 'push service 503',
      consecutive_failure_count: 4,
      threshold: 2,
      down_since: '2026-01-04T06:00:00.000Z',
      down_for_ms: 129_659_000,
      last_success_at: '2026-01-03T06:00:05.000Z',
      realert_every_ms: 21_600_000,
    }
    await createLogNotifier().notify(reminder, { signal: new AbortController().signal })
    expect(JSON.parse(String(stderr.mock.calls[0]?.[0]))).toEqual({
      level: 'error',
      source: 'cronwarden.alert',
      message: 'reminders still failing: 4 in a row since 2026-01-04T06:00:00.000Z (1 d 12 h): push service 503',
      ...reminder,
    })
  })

  it('says how long the streak is when a missed run alerts', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    await createLogNotifier({ logger }).notify(
      {
        type: 'missed_run',
        job_name: 'reminders',
        run_id: 'missed:reminders:2026-01-06T06:00:00.000Z',
        occurred_at: '2026-01-06T06:10:00.000Z',
        expected_at: '2026-01-06T06:00:00.000Z',
        schedule: '0 6 * * *',
        timezone: 'UTC',
        grace_ms: 600_000,
        last_run_at: '2026-01-05T06:00:00.000Z',
        last_success_at: '2026-01-03T06:00:05.000Z',
        consecutive_failure_count: 3,
        threshold: 3,
        down_since: '2026-01-04T06:00:00.000Z',
      },
      { signal: new AbortController().signal },
    )
    expect(logger.error).toHaveBeenCalledWith(
      'reminders did not run at 2026-01-06T06:00:00.000Z (0 6 * * * UTC), 3 failures in a row (threshold 3); last run: 2026-01-05T06:00:00.000Z',
      expect.objectContaining({ type: 'missed_run', consecutive_failure_count: 3 }),
    )
  })

  it('sends to a given logger instead', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    const notifier = createLogNotifier({ name: 'ops-log', logger })
    expect(notifier.name).toBe('ops-log')
    await notifier.notify(
      { ...failure, type: 'long_running', max_runtime_ms: 1_800_000, running_for_ms: 1_800_001 } as AlertEvent,
      { signal: new AbortController().signal },
    )
    expect(logger.error).toHaveBeenCalledWith(
      'reminders has been running for 1800001 ms (limit 1800000 ms)',
      expect.objectContaining({ type: 'long_running' }),
    )
  })

  it('logs an event type it does not know instead of failing, with its fields at the top level', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    const future = { type: 'quota_exceeded', job_name: 'reminders', used: 120 }
    await createLogNotifier({ logger }).notify(future as unknown as AlertEvent, {
      signal: new AbortController().signal,
    })
    expect(logger.error).toHaveBeenCalledWith(
      'cronwarden sent a "quota_exceeded" event about "reminders", a type this version of @cronwarden/core does not know.',
      future,
    )
  })

  it('rejects unknown options', () => {
    expect(() => createLogNotifier({ level: 'debug' } as never)).toThrow(/level: unknown option/)
  })
})
