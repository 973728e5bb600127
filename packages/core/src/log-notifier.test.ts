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

  it('rejects unknown options', () => {
    expect(() => createLogNotifier({ level: 'debug' } as never)).toThrow(/level: unknown option/)
  })
})
