import type { AlertEvent, LongRunningEvent } from './alert-event.js'
import type { AlertPolicy, PendingAlert, StreakTransition } from './ports.js'

/**
 * Every alert event is built here. The policy is kept pure so every store gets the same
 * rules, they are tested without a database, and an entry decided again later (by the next
 * call or a sweeper after a crash) gives the same event.
 */

/**
 * A failure streak alerts exactly when it reaches the threshold (not before, not again
 * after), and a success that ends a streak that reached the threshold (so it alerted) may
 * announce the recovery. Failed runs, abandoned runs and missed scheduled times are one
 * streak: whichever reaches the threshold alerts, as `missed_run` when it is a missed time.
 * With `realertEveryMs`, a later failure of the same streak may remind (`still_failing`).
 * One transition gives at most one event.
 */
export function decideAlerts(transition: StreakTransition, policy: AlertPolicy, occurredAt: Date): AlertEvent | null {
  const base = {
    job_name: transition.jobName,
    run_id: transition.runId,
    occurred_at: occurredAt.toISOString(),
  }
  // A store always knows when a streak began; the run's own start is the safe fallback.
  const downSince = transition.downSince ?? transition.startedAt
  if (transition.status === 'succeeded') {
    const endedAlertedStreak = transition.previousFailureCount >= policy.failureThreshold
    if (!policy.notifyOnRecovery || !endedAlertedStreak || !transition.downSince) return null
    return {
      type: 'recovered',
      ...base,
      failures_in_streak: transition.previousFailureCount,
      down_since: transition.downSince.toISOString(),
      last_success_at: transition.finishedAt.toISOString(),
    }
  }
  if (transition.consecutiveFailureCount > policy.failureThreshold) {
    const realertEveryMs = policy.realertEveryMs
    if (!realertEveryMs || !isReminderDue(transition, downSince, realertEveryMs)) return null
    return {
      type: 'still_failing',
      ...base,
      error_message: transition.errorMessage ?? '',
      consecutive_failure_count: transition.consecutiveFailureCount,
      threshold: policy.failureThreshold,
      down_since: downSince.toISOString(),
      down_for_ms: Math.max(0, transition.finishedAt.getTime() - downSince.getTime()),
      last_success_at: transition.lastSuccessAt?.toISOString() ?? null,
      realert_every_ms: realertEveryMs,
    }
  }
  if (transition.consecutiveFailureCount !== policy.failureThreshold) return null
  const streak = {
    last_success_at: transition.lastSuccessAt?.toISOString() ?? null,
    consecutive_failure_count: transition.consecutiveFailureCount,
    threshold: policy.failureThreshold,
    down_since: downSince.toISOString(),
  }
  if (transition.missed) {
    return {
      type: 'missed_run',
      ...base,
      ...streak,
      expected_at: transition.startedAt.toISOString(),
      schedule: transition.missed.schedule,
      timezone: transition.missed.timezone,
      grace_ms: transition.durationMs,
      last_run_at: transition.missed.lastRunAt?.toISOString() ?? null,
    }
  }
  return {
    type: 'consecutive_failures',
    ...base,
    ...streak,
    error_message: transition.errorMessage ?? '',
    started_at: transition.startedAt.toISOString(),
    finished_at: transition.finishedAt.toISOString(),
    duration_ms: transition.durationMs,
  }
}

/**
 * Reminders fall due at `down_since + k × realertEveryMs` (k ≥ 1): the first failure closing
 * after such a time, when the streak's previous failure closed before it, reminds. Decided
 * from the transition alone, so a redelivered entry decides the same. Without a failure
 * after the due time no reminder is sent: a job that stopped running entirely is reminded
 * of by the missed-run check's missed times.
 */
function isReminderDue(transition: StreakTransition, downSince: Date, realertEveryMs: number): boolean {
  if (!transition.previousFailureAt) return false
  const interval = (at: Date) => Math.floor((at.getTime() - downSince.getTime()) / realertEveryMs)
  return interval(transition.finishedAt) > interval(transition.previousFailureAt)
}

/**
 * The event an alert entry stands for. A transition is decided under the policy stored with
 * it, at the entry's own time, so whoever decides it, whenever, gets the same event.
 */
export function decideEntry(alert: PendingAlert): AlertEvent | null {
  if (alert.subject.kind === 'event') return alert.subject.event
  return decideAlerts(alert.subject.transition, alert.policy, alert.createdAt)
}

export interface LongRunningInput {
  jobName: string
  runId: string
  startedAt: Date
  maxRuntimeMs: number
  lastSuccessAt: Date | null
  now: Date
}

/** A run still running past its maximum runtime: decided while it happens, once per run. */
export function longRunningEvent(input: LongRunningInput): LongRunningEvent {
  return {
    type: 'long_running',
    job_name: input.jobName,
    run_id: input.runId,
    occurred_at: input.now.toISOString(),
    started_at: input.startedAt.toISOString(),
    max_runtime_ms: input.maxRuntimeMs,
    running_for_ms: Math.max(0, input.now.getTime() - input.startedAt.getTime()),
    last_success_at: input.lastSuccessAt?.toISOString() ?? null,
  }
}
