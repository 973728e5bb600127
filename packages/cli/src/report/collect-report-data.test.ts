import type { AlertRecord, ExecutionLogStore, RunRecord } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { readAlertsInWindow, readRunsInWindow, type WindowReads } from './collect-report-data.js'

const NOW = Date.parse('2026-11-30T12:00:00.000Z')
const HOUR = 3_600_000

/** A store holding `count` hourly runs of one job, newest first, that records each read's limit. */
function hourlyStore(count: number): { store: WindowReads['store']; limits: number[] } {
  const limits: number[] = []
  const all: RunRecord[] = Array.from({ length: count }, (_, index) => ({
    run_id: `run-${index}`,
    job_name: 'hourly',
    status: 'succeeded',
    started_at: new Date(NOW - index * HOUR).toISOString(),
    finished_at: new Date(NOW - index * HOUR + 1_000).toISOString(),
    duration_ms: 1_000,
    error_message: null,
    consecutive_failure_count: 0,
    last_success_at: null,
    holder_run_id: null,
    host: null,
    summary: null,
    deliveries: [],
  }))
  const store: WindowReads['store'] = {
    listRuns: async (input) => {
      limits.push(input.limit ?? 50)
      return all.slice(0, input.limit ?? 50)
    },
    listAlerts: async () => [],
  }
  return { store, limits }
}

const reads = (store: WindowReads['store'], days: number, maxRuns?: number): WindowReads => ({
  store,
  storeTimeoutMs: 1_000,
  windowStart: new Date(NOW - days * 24 * HOUR),
  ...(maxRuns === undefined ? {} : { maxRuns }),
})

describe('readRunsInWindow', () => {
  it('reads once when the first read already reaches past the window start, and keeps only the window, oldest first', async () => {
    const { store, limits } = hourlyStore(1_000)
    const { runs, capped } = await readRunsInWindow(reads(store, 2), 'hourly')
    expect(limits).toEqual([250])
    expect(runs).toHaveLength(49)
    expect(runs[0]?.run_id).toBe('run-48')
    expect(runs.at(-1)?.run_id).toBe('run-0')
    expect(capped).toBe(false)
  })

  it('reads in growing rounds until a read holds fewer runs than asked or reaches the window start', async () => {
    const { store, limits } = hourlyStore(3_000)
    const { runs, capped } = await readRunsInWindow(reads(store, 90), 'hourly')
    expect(limits).toEqual([250, 1_000, 4_000])
    expect(runs).toHaveLength(90 * 24 + 1)
    expect(capped).toBe(false)
  })

  it('stops at the cap and says the window held more', async () => {
    const { store, limits } = hourlyStore(3_000)
    const { runs, capped } = await readRunsInWindow(reads(store, 90, 600), 'hourly')
    expect(limits).toEqual([250, 600])
    expect(runs).toHaveLength(600)
    expect(capped).toBe(true)
  })

  it('gives up with a StoreTimeoutError when the store does not answer in time', async () => {
    const silent: WindowReads['store'] = { listRuns: () => new Promise(() => {}), listAlerts: async () => [] }
    await expect(readRunsInWindow({ ...reads(silent, 1), storeTimeoutMs: 20 }, 'hourly')).rejects.toMatchObject({
      name: 'StoreTimeoutError',
    })
  })
})

describe('readAlertsInWindow', () => {
  it('keeps the window’s entries that decided an event, oldest first', async () => {
    const entry = (id: string, hoursAgo: number, status: AlertRecord['status']): AlertRecord => ({
      alert_id: id,
      job_name: 'hourly',
      run_id: id,
      event_type: status === 'no_event' ? null : 'consecutive_failures',
      status,
      created_at: new Date(NOW - hoursAgo * HOUR).toISOString(),
      expires_at: new Date(NOW).toISOString(),
      notifiers: [],
    })
    const store: Pick<ExecutionLogStore, 'listRuns' | 'listAlerts'> = {
      listRuns: async () => [],
      listAlerts: async () => [
        entry('new', 1, 'pending'),
        entry('below-threshold', 2, 'no_event'),
        entry('old', 3, 'delivered'),
        entry('outside', 49, 'delivered'),
      ],
    }
    const alerts = await readAlertsInWindow(reads(store, 2), 'hourly')
    expect(alerts.map((alert) => alert.alert_id)).toEqual(['old', 'new'])
  })
})
