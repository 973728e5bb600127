import type { AlertEvent, LongRunningEvent, MissedRunEvent } from './alert-event.js'
import type { AlertPolicy, PendingAlert, StreakTransition } from './ports.js'

/**
 * Every alert event is built here. The policy is kept pure so every store gets the same
 * rules, they are tested without a database, and an entry decided again later (by the next
 * call or a sweeper after a crash) gives the same event.
 */

/**
 * A failure streak alerts exactly when it reaches the threshold (not before, not again
 * after), and a success that ends a streak that reached the threshold (so it alerted) may
 * announce the recovery. One transition gives at most one event.
 */
export function decideAlerts(transition: StreakTransition, policy: AlertPolicy, occurredAt: Date): AlertEvent | null {
  const base = {
    job_name: transition.jobName,
    run_id: transition.runId,
    occurred_at: occurredAt.toISOString(),
  }
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
  if (transition.consecutiveFailureCount !== policy.failureThreshold) return null
  return {
    type: 'consecutive_failures',
    ...base,
    error_message: transition.errorMessage ?? '',
    last_success_at: transition.lastSuccessAt?.toISOString() ?? null,
    consecutive_failure_count: transition.consecutiveFailureCount,
    threshold: policy.failureThreshold,
    started_at: transition.startedAt.toISOString(),
    finished_at: transition.finishedAt.toISOString(),
    duration_ms: transition.durationMs,
    // A store always knows when a streak began; the run's own start is the safe fallback.
    down_since: (transition.downSince ?? transition.startedAt).toISOString(),
  }
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

export interface MissedRunInput {
  jobName: string
  runId: string
  expectedAt: Date
  schedule: string
  timezone: string
  graceMs: number
  lastRunAt: string | null
  lastSuccessAt: string | null
  downSince: Date
  now: Date
}

/** A scheduled time that passed with no run. */
export function missedRunEvent(input: MissedRunInput): MissedRunEvent {
  return {
    type: 'missed_run',
    job_name: input.jobName,
    run_id: input.runId,
    occurred_at: input.now.toISOString(),
    expected_at: input.expectedAt.toISOString(),
    schedule: input.schedule,
    timezone: input.timezone,
    grace_ms: input.graceMs,
    last_run_at: input.lastRunAt,
    last_success_at: input.lastSuccessAt,
    down_since: input.downSince.toISOString(),
  }
}
