import type { StreakTransition } from './ports.js'

/**
 * The streak rules every store applies, written once: the memory store calls these, the SQL
 * functions restate them, and the contract suite holds both to the same counts, times and
 * messages. Policy (when to alert) stays in decide-alerts.ts; this is only bookkeeping.
 */

/** A job's streak as a store keeps it between executions. */
export interface StreakState {
  /** Failed runs, abandoned runs and missed times in a row since the last success. */
  consecutiveFailureCount: number
  /** Start of the streak's first failure; null while the job is not failing. */
  downSince: Date | null
  /** The job's last success; null if it never succeeded. */
  lastSuccessAt: Date | null
  /** When the streak's latest failure closed. */
  lastFailureAt: Date | null
}

/** One execution as it closes: a run, or a scheduled time that passed with no run. */
export interface ClosedExecution {
  /** The job whose streak it is. */
  jobName: string
  /** The run's id, or the missed time's row id. */
  runId: string
  /** How it closed: anything but `succeeded` is a failure. */
  status: StreakTransition['status']
  /** The run's start; for a missed time, the scheduled time. */
  startedAt: Date
  /** The run's end; for a missed time, when it was declared missed. */
  finishedAt: Date
  /** As stored (cleaned and clipped); null for a success. */
  errorMessage: string | null
  /** For a missed time, the schedule it was missed on; null otherwise. */
  missed: StreakTransition['missed']
}

/**
 * What one closed execution does to the streak: a success resets it, any other outcome (a
 * failed or abandoned run, a missed time) adds one, in the order the store records them.
 * Returns the new state and the transition core decides events from.
 */
export function advanceStreak(
  state: StreakState,
  closed: ClosedExecution,
): { state: StreakState; transition: StreakTransition } {
  const succeeded = closed.status === 'succeeded'
  const next: StreakState = succeeded
    ? {
        consecutiveFailureCount: 0,
        downSince: null,
        lastSuccessAt: closed.finishedAt,
        lastFailureAt: state.lastFailureAt,
      }
    : {
        consecutiveFailureCount: state.consecutiveFailureCount + 1,
        downSince: state.consecutiveFailureCount === 0 ? closed.startedAt : state.downSince,
        lastSuccessAt: state.lastSuccessAt,
        lastFailureAt: closed.finishedAt,
      }
  return {
    state: next,
    transition: {
      jobName: closed.jobName,
      runId: closed.runId,
      status: closed.status,
      startedAt: closed.startedAt,
      finishedAt: closed.finishedAt,
      durationMs: Math.max(0, closed.finishedAt.getTime() - closed.startedAt.getTime()),
      errorMessage: closed.errorMessage,
      previousFailureCount: state.consecutiveFailureCount,
      consecutiveFailureCount: next.consecutiveFailureCount,
      lastSuccessAt: next.lastSuccessAt,
      // For a success: the start of the streak it ended, so a recovery names its incident.
      downSince: succeeded ? state.downSince : next.downSince,
      previousFailureAt: !succeeded && state.consecutiveFailureCount > 0 ? state.lastFailureAt : null,
      missed: closed.missed,
    },
  }
}

/**
 * Why a run whose lease expired is closed as abandoned: the error every store records for
 * it. The lease's end is the latest moment the run was known to be alive.
 */
export function abandonedMessage(leaseExpiredAt: Date): string {
  return `Run abandoned: its lease expired at ${leaseExpiredAt.toISOString()} without a heartbeat (the process likely crashed or stalled)`
}
