import type { AlertRecord, RunRecord, RunStatus } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { alertsOutsideIncidents, deriveIncidents } from './incidents.js'

const minute = (n: number) => new Date(Date.UTC(2026, 10, 30, 6, n)).toISOString()

/** Runs a minute apart, each finishing 10 s after it started, with the store's streak counts. */
function runs(statuses: readonly RunStatus[], startCount = 0): RunRecord[] {
  let count = startCount
  return statuses.map((status, index) => {
    if (status === 'succeeded') count = 0
    else if (status === 'failed' || status === 'abandoned' || status === 'missed') count += 1
    return {
      run_id: `run-${index}`,
      job_name: 'job',
      status,
      started_at: minute(index),
      finished_at: status === 'running' ? null : new Date(Date.parse(minute(index)) + 10_000).toISOString(),
      duration_ms: status === 'running' ? null : 10_000,
      error_message: status === 'failed' ? `error ${index}` : null,
      consecutive_failure_count: status === 'running' || status === 'skipped' ? null : count,
      last_success_at: null,
      holder_run_id: null,
      host: null,
      summary: null,
      deliveries: [],
    }
  })
}

function alert(id: string, createdAt: string): AlertRecord {
  return {
    alert_id: id,
    job_name: 'job',
    run_id: 'run',
    event_type: 'consecutive_failures',
    status: 'delivered',
    created_at: createdAt,
    expires_at: createdAt,
    notifiers: [],
  }
}

describe('deriveIncidents', () => {
  it('finds no incident in a job that only succeeds', () => {
    expect(deriveIncidents(runs(['succeeded', 'succeeded']), [])).toEqual([])
  })

  it('opens an incident at the first failure after a success and closes it when the next success finishes', () => {
    const log = runs(['succeeded', 'failed', 'failed', 'succeeded', 'succeeded'])
    const [incident, ...rest] = deriveIncidents(log, [])
    expect(rest).toEqual([])
    expect(incident?.downSince).toBe(log[1]?.started_at)
    expect(incident?.recoveredAt).toBe(log[3]?.finished_at)
    expect(incident?.failures.map((run) => run.run_id)).toEqual(['run-1', 'run-2'])
    expect(incident?.beganEarlier).toBe(false)
  })

  it('leaves the incident open while no success has ended it', () => {
    const [incident] = deriveIncidents(runs(['succeeded', 'failed', 'running']), [])
    expect(incident?.recoveredAt).toBeNull()
  })

  it('counts abandoned runs as failures, as the store does', () => {
    const incidents = deriveIncidents(runs(['succeeded', 'abandoned', 'failed', 'succeeded']), [])
    expect(incidents).toHaveLength(1)
    expect(incidents[0]?.failures.map((run) => run.status)).toEqual(['abandoned', 'failed'])
  })

  it('counts missed scheduled times as failures, as the store does, so a job that stopped running is down', () => {
    const log = runs(['succeeded', 'missed', 'missed', 'failed', 'succeeded', 'missed'])
    const incidents = deriveIncidents(log, [])
    expect(incidents).toHaveLength(2)
    expect(incidents[0]?.downSince).toBe(log[1]?.started_at)
    expect(incidents[0]?.failures.map((run) => run.run_id)).toEqual(['run-1', 'run-2', 'run-3'])
    expect(incidents[0]?.recoveredAt).toBe(log[4]?.finished_at)
    expect(incidents[1]?.recoveredAt).toBeNull()
  })

  it('lets skipped and running rows neither start, extend nor end an incident', () => {
    const log = runs(['succeeded', 'skipped', 'failed', 'skipped', 'running', 'failed', 'succeeded'])
    const incidents = deriveIncidents(log, [])
    expect(incidents).toHaveLength(1)
    expect(incidents[0]?.downSince).toBe(log[2]?.started_at)
    expect(incidents[0]?.failures.map((run) => run.run_id)).toEqual(['run-2', 'run-5'])
    expect(incidents[0]?.recoveredAt).toBe(log[6]?.finished_at)
  })

  it('splits two streaks separated by a success into two incidents', () => {
    const incidents = deriveIncidents(runs(['failed', 'succeeded', 'failed', 'failed']), [])
    expect(incidents.map((incident) => [incident.failures.length, incident.recoveredAt !== null])).toEqual([
      [1, true],
      [2, false],
    ])
  })

  it('marks an incident whose first failure in the window already continued a streak as begun earlier', () => {
    const incidents = deriveIncidents(runs(['failed', 'failed', 'succeeded'], 3), [])
    expect(incidents[0]?.beganEarlier).toBe(true)
  })

  it('attaches the alerts created from the first failure to the recovery, both ends included', () => {
    const log = runs(['succeeded', 'failed', 'failed', 'succeeded', 'failed'])
    const recoveredAt = log[3]?.finished_at as string
    const alerts = [
      alert('before', minute(0)),
      alert('at-start', log[1]?.started_at as string),
      alert('during', minute(2)),
      alert('at-recovery', recoveredAt),
      alert('after', new Date(Date.parse(recoveredAt) + 1).toISOString()),
      alert('open', minute(5)),
    ]
    const incidents = deriveIncidents(log, alerts)
    expect(incidents.map((incident) => incident.alerts.map((entry) => entry.alert_id))).toEqual([
      ['at-start', 'during', 'at-recovery'],
      ['open'],
    ])
    expect(alertsOutsideIncidents(alerts, incidents).map((entry) => entry.alert_id)).toEqual(['before', 'after'])
  })
})
