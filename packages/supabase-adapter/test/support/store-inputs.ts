import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AlertSpec, ExecutionLogStore, LongRunningEvent } from '@cronwarden/core'

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

/**
 * One whole run of `jobName` through the store: beginRun (exclusive, a 60 s lease), then
 * finishRun with `status` ('boom' when it failed). What both calls returned, and the run id.
 */
export async function storeRun(
  store: ExecutionLogStore,
  jobName: string,
  status: 'succeeded' | 'failed',
  { alert = null, host = null }: { alert?: AlertSpec | null; host?: string | null } = {},
) {
  const runId = randomUUID()
  const begun = await store.beginRun({ jobName, runId, leaseMs: 60_000, exclusive: true, host, alert })
  const finished = await store.finishRun({
    jobName,
    runId,
    status,
    errorMessage: status === 'failed' ? 'boom' : null,
    summary: null,
    alert,
  })
  if (!finished) throw new Error(`run ${runId} of ${jobName} was not running`)
  return { runId, begun, ...finished }
}

/**
 * Claims `jobName`'s entries for the `slack` notifier as a sweeper would, 20 ms after they were
 * written: long enough for an entry written with `claimMs: 1` to be due.
 */
export async function claimSlackAlerts(store: ExecutionLogStore, jobName: string, limit = 10) {
  await sleep(20)
  return store.claimAlerts({ jobNames: [jobName], notifiers: ['slack'], limit, claimMs: 60_000 })
}
