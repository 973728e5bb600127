import type { AlertEvent } from './alert-event.js'
import type { StreakTransition } from './ports.js'

export interface AlertPolicy {
  failureThreshold: number
  notifyOnRecovery: boolean
}

/**
 * The alert policy, kept pure so every store gets the same rules and they are tested
 * without a database. A failure streak alerts exactly when it reaches the threshold (not
 * before, not again after), and a success that ends a streak that reached the threshold
 * (so it alerted) may announce the recovery.
 */
export function decideAlerts(transition: StreakTransition, policy: AlertPolicy, occurredAt: Date): AlertEvent[] {
  const base = {
    job_name: transition.jobName,
    run_id: transition.runId,
    occurred_at: occurredAt.toISOString(),
  }
  if (transition.status === 'succeeded') {
    const endedAlertedStreak = transition.previousFailureCount >= policy.failureThreshold
    if (!policy.notifyOnRecovery || !endedAlertedStreak || !transition.downSince) return []
    return [
      {
        type: 'recovered',
        ...base,
        failures_in_streak: transition.previousFailureCount,
        down_since: transition.downSince.toISOString(),
        last_success_at: transition.finishedAt.toISOString(),
      },
    ]
  }
  if (transition.consecutiveFailureCount !== policy.failureThreshold) return []
  return [
    {
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
    },
  ]
}
