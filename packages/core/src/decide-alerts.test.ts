import { describe, expect, it } from 'vitest'
import { alertEventSchema } from './alert-event.js'
import { decideAlerts, decideEntry } from './decide-alerts.js'
import type { PendingAlert, StreakTransition } from './ports.js'

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 6, minute))

function failure(count: number, overrides: Partial<StreakTransition> = {}): StreakTransition {
  return {
    jobName: 'job',
    runId: `run-${count}`,
    status: 'failed',
    startedAt: at(count),
    finishedAt: at(count + 1),
    durationMs: 60_000,
    errorMessage: 'boom',
    previousFailureCount: count - 1,
    consecutiveFailureCount: count,
    lastSuccessAt: null,
    downSince: at(1),
    ...overrides,
  }
}

const policy = { failureThreshold: 2, notifyOnRecovery: true }

describe('decideAlerts', () => {
  it('alerts only when the count equals the threshold', () => {
    const counts = [1, 2, 3, 4, 10].map((count) => decideAlerts(failure(count), policy, at(30)) !== null)
    expect(counts).toEqual([false, true, false, false, false])
  })

  it('treats an abandoned run like a failure', () => {
    const event = decideAlerts(failure(2, { status: 'abandoned', errorMessage: 'lease expired' }), policy, at(30))
    expect(event).toMatchObject({ type: 'consecutive_failures', error_message: 'lease expired' })
  })

  it('alerts at the first failure with a threshold of 1', () => {
    expect(decideAlerts(failure(1), { ...policy, failureThreshold: 1 }, at(30))).not.toBeNull()
  })

  it('builds a schema-valid payload from the transition', () => {
    const event = decideAlerts(failure(2, { lastSuccessAt: at(0) }), policy, at(30))
    expect(alertEventSchema.parse(event)).toEqual({
      type: 'consecutive_failures',
      job_name: 'job',
      run_id: 'run-2',
      occurred_at: at(30).toISOString(),
      error_message: 'boom',
      last_success_at: at(0).toISOString(),
      consecutive_failure_count: 2,
      threshold: 2,
      started_at: at(2).toISOString(),
      finished_at: at(3).toISOString(),
      duration_ms: 60_000,
      down_since: at(1).toISOString(),
    })
  })

  it('announces a recovery only after a streak that reached the threshold', () => {
    const success = (previous: number): StreakTransition => ({
      ...failure(0),
      status: 'succeeded',
      errorMessage: null,
      previousFailureCount: previous,
      consecutiveFailureCount: 0,
      lastSuccessAt: at(9),
      finishedAt: at(9),
    })
    expect(decideAlerts(success(0), policy, at(30))).toBeNull()
    expect(decideAlerts(success(1), policy, at(30))).toBeNull()
    expect(decideAlerts(success(5), { ...policy, notifyOnRecovery: false }, at(30))).toBeNull()
    expect(decideAlerts(success(5), policy, at(30))).toEqual({
      type: 'recovered',
      job_name: 'job',
      run_id: 'run-0',
      occurred_at: at(30).toISOString(),
      failures_in_streak: 5,
      down_since: at(1).toISOString(),
      last_success_at: at(9).toISOString(),
    })
  })
})

describe('decideEntry', () => {
  const entry = (subject: PendingAlert['subject'], overrides: Partial<PendingAlert> = {}): PendingAlert => ({
    alertId: 'a1',
    jobName: 'job',
    runId: 'run-2',
    createdAt: at(40),
    expiresAt: at(50),
    expired: false,
    subject,
    policy,
    notifiers: [],
    claimToken: 't',
    ...overrides,
  })

  it('decides a stored transition under the stored policy, at the entry time, the same every time', () => {
    const alert = entry({ kind: 'transition', transition: failure(2) })
    const first = decideEntry(alert)
    expect(first).toMatchObject({ type: 'consecutive_failures', occurred_at: at(40).toISOString() })
    expect(decideEntry(alert)).toEqual(first)
    expect(decideEntry({ ...alert, policy: { ...policy, failureThreshold: 3 } })).toBeNull()
  })

  it('hands back an event that was decided when it happened', () => {
    const event = decideAlerts(failure(2), policy, at(30))
    if (!event) throw new Error('expected an event')
    expect(decideEntry(entry({ kind: 'event', event }))).toBe(event)
  })
})
