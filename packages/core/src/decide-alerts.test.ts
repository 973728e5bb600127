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
    previousFailureAt: count > 1 ? at(count) : null,
    missed: null,
    ...overrides,
  }
}

const policy = { failureThreshold: 2, notifyOnRecovery: true, realertEveryMs: null }

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

describe('decideAlerts: missed times in the streak', () => {
  const missedTime = (count: number, overrides: Partial<StreakTransition> = {}): StreakTransition =>
    failure(count, {
      runId: `missed:job:${at(count).toISOString()}`,
      status: 'missed',
      errorMessage: 'No run started within 60000 ms',
      missed: { schedule: '* * * * *', timezone: 'UTC', lastRunAt: at(0) },
      ...overrides,
    })

  it('alerts once, as missed_run, when a missed time reaches the threshold', () => {
    const decided = [1, 2, 3, 4, 5].map((count) => decideAlerts(missedTime(count), policy, at(30))?.type ?? null)
    expect(decided).toEqual([null, 'missed_run', null, null, null])
    expect(alertEventSchema.parse(decideAlerts(missedTime(2, { lastSuccessAt: at(0) }), policy, at(30)))).toEqual({
      type: 'missed_run',
      job_name: 'job',
      run_id: `missed:job:${at(2).toISOString()}`,
      occurred_at: at(30).toISOString(),
      expected_at: at(2).toISOString(),
      schedule: '* * * * *',
      timezone: 'UTC',
      grace_ms: 60_000,
      last_run_at: at(0).toISOString(),
      last_success_at: at(0).toISOString(),
      consecutive_failure_count: 2,
      threshold: 2,
      down_since: at(1).toISOString(),
    })
  })

  it('mixes with failed runs in one streak: whichever reaches the threshold alerts, once', () => {
    // failed, missed → missed_run; missed, failed → consecutive_failures; then nothing more.
    expect(decideAlerts(missedTime(2), policy, at(30))?.type).toBe('missed_run')
    expect(decideAlerts(failure(2), policy, at(30))?.type).toBe('consecutive_failures')
    expect(decideAlerts(failure(3), policy, at(30))).toBeNull()
    expect(decideAlerts(missedTime(3), policy, at(30))).toBeNull()
  })
})

describe('decideAlerts: reminders (realertEveryMs)', () => {
  const hour = 3_600_000
  const hourly = { ...policy, realertEveryMs: 24 * hour }
  const down = new Date(Date.UTC(2026, 0, 1, 0))
  const plus = (hours: number) => new Date(down.getTime() + hours * hour)
  // An hourly job failing since `down`: failure n closes at n hours after it.
  const nth = (count: number, overrides: Partial<StreakTransition> = {}) =>
    failure(count, {
      downSince: down,
      startedAt: plus(count - 1),
      finishedAt: plus(count - 1),
      previousFailureAt: count > 1 ? plus(count - 2) : null,
      ...overrides,
    })

  it('sends nothing after the alert by default', () => {
    const decided = [2, 3, 25, 49].map((count) => decideAlerts(nth(count), policy, at(30))?.type ?? null)
    expect(decided).toEqual(['consecutive_failures', null, null, null])
  })

  it('reminds once per interval while the same streak stays open', () => {
    const reminders = Array.from({ length: 60 }, (_, index) => index + 1).filter(
      (count) => decideAlerts(nth(count), hourly, at(30))?.type === 'still_failing',
    )
    // Failures close at 0 h, 1 h, … : the first at or after 24 h and 48 h remind.
    expect(reminders).toEqual([25, 49])
  })

  it('carries the incident, the count, the latest error and how long the job has been down', () => {
    const event = decideAlerts(nth(25, { errorMessage: 'still broken', lastSuccessAt: at(0) }), hourly, at(30))
    expect(alertEventSchema.parse(event)).toEqual({
      type: 'still_failing',
      job_name: 'job',
      run_id: 'run-25',
      occurred_at: at(30).toISOString(),
      error_message: 'still broken',
      consecutive_failure_count: 25,
      threshold: 2,
      down_since: down.toISOString(),
      down_for_ms: 24 * hour,
      last_success_at: at(0).toISOString(),
      realert_every_ms: 24 * hour,
    })
  })

  it('reminds on a missed time too, and never at or below the threshold', () => {
    expect(decideAlerts(nth(25, { status: 'missed', missed: null }), hourly, at(30))?.type).toBe('still_failing')
    expect(decideAlerts(nth(2, { finishedAt: plus(30) }), hourly, at(30))?.type).toBe('consecutive_failures')
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
    muted: false,
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
