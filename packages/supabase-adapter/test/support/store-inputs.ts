import type { AlertSpec, LongRunningEvent } from '@cronwarden/core'

/** An alert spec for direct store calls: one notifier, long enough not to expire or lapse mid-test. */
export const alertSpec: AlertSpec = {
  policy: { failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null },
  notifiers: ['slack'],
  ttlMs: 3_600_000,
  claimMs: 60_000,
}

/** The event the wrapper enqueues when a run passes its maximum runtime. */
export function longRunningEvent(jobName: string, runId: string, at = new Date()): LongRunningEvent {
  return {
    type: 'long_running',
    job_name: jobName,
    run_id: runId,
    occurred_at: at.toISOString(),
    started_at: at.toISOString(),
    max_runtime_ms: 1_000,
    running_for_ms: 1_000,
    last_success_at: null,
  }
}
