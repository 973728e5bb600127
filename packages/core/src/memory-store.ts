import { z } from 'zod'
import { parseOptions } from './parse-options.js'
import type {
  BeginRunInput,
  BeginRunResult,
  DeliveryRecord,
  ExecutionLogStore,
  FinishRunInput,
  HeartbeatInput,
  ListRunsOptions,
  RecordMissedRunInput,
  RunRecord,
  RunStatus,
  RunSummary,
  StreakTransition,
} from './ports.js'
import { functionSchema } from './schema-helpers.js'

const memoryStoreOptionsSchema = z.strictObject({
  /** Oldest rows beyond this many per job are dropped, so a long-lived process stays small. */
  maxRunsPerJob: z.number().int().min(1).default(1_000),
  /** The store's clock, for leases and timestamps. */
  now: functionSchema<() => Date>().default(() => () => new Date()),
})

export interface MemoryStoreOptions {
  /** Oldest rows beyond this many per job are dropped. Default 1000. */
  maxRunsPerJob?: number
  /** The store's clock, for leases and timestamps. Default: the system clock. */
  now?: () => Date
}

interface JobState {
  consecutiveFailureCount: number
  lastSuccessAt: Date | null
  downSince: Date | null
  lockRunId: string | null
  /** Runs of the job, oldest first. */
  runs: MemoryRun[]
}

interface MemoryRun {
  runId: string
  jobName: string
  status: RunStatus
  startedAt: Date
  finishedAt: Date | null
  leaseExpiresAt: Date | null
  errorMessage: string | null
  consecutiveFailureCount: number | null
  lastSuccessAt: Date | null
  holderRunId: string | null
  host: string | null
  summary: RunSummary | null
  deliveries: DeliveryRecord[]
}

/**
 * The reference store: the embedded default, the contract suite's yardstick, and enough for
 * a single process. Each method runs synchronously to completion before it resolves, which
 * is what makes every step atomic on one event loop. Nothing survives a restart.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ExecutionLogStore {
  const { maxRunsPerJob, now } = parseOptions(memoryStoreOptionsSchema, options, 'createMemoryStore options')
  const jobs = new Map<string, JobState>()
  const runsById = new Map<string, MemoryRun>()

  const jobState = (jobName: string): JobState => {
    let state = jobs.get(jobName)
    if (!state) {
      state = { consecutiveFailureCount: 0, lastSuccessAt: null, downSince: null, lockRunId: null, runs: [] }
      jobs.set(jobName, state)
    }
    return state
  }

  const append = (state: JobState, run: MemoryRun) => {
    state.runs.push(run)
    runsById.set(run.runId, run)
    while (state.runs.length > maxRunsPerJob) {
      const dropped = state.runs.shift()
      if (dropped) runsById.delete(dropped.runId)
    }
  }

  const close = (
    state: JobState,
    run: MemoryRun,
    status: StreakTransition['status'],
    finishedAt: Date,
    errorMessage: string | null,
  ): StreakTransition => {
    const previousFailureCount = state.consecutiveFailureCount
    const streakStart = state.downSince
    if (status === 'succeeded') {
      state.consecutiveFailureCount = 0
      state.lastSuccessAt = finishedAt
      state.downSince = null
    } else {
      state.consecutiveFailureCount += 1
      if (previousFailureCount === 0) state.downSince = run.startedAt
    }
    if (state.lockRunId === run.runId) state.lockRunId = null
    run.status = status
    run.finishedAt = finishedAt
    run.leaseExpiresAt = null
    run.errorMessage = errorMessage
    run.consecutiveFailureCount = state.consecutiveFailureCount
    run.lastSuccessAt = state.lastSuccessAt
    return {
      jobName: run.jobName,
      runId: run.runId,
      status,
      startedAt: run.startedAt,
      finishedAt,
      durationMs: Math.max(0, finishedAt.getTime() - run.startedAt.getTime()),
      errorMessage,
      previousFailureCount,
      consecutiveFailureCount: state.consecutiveFailureCount,
      lastSuccessAt: state.lastSuccessAt,
      downSince: status === 'succeeded' ? streakStart : state.downSince,
    }
  }

  const closeExpired = (state: JobState, at: Date): StreakTransition[] =>
    state.runs
      .filter((run) => run.status === 'running' && run.leaseExpiresAt !== null && run.leaseExpiresAt <= at)
      .map((run) => {
        // The lease's end is the latest moment the run was known to be alive.
        const diedBy = run.leaseExpiresAt ?? at
        return close(state, run, 'abandoned', diedBy, abandonedMessage(diedBy))
      })

  return {
    async beginRun(input: BeginRunInput): Promise<BeginRunResult> {
      const startedAt = now()
      const state = jobState(input.jobName)
      const abandoned = closeExpired(state, startedAt)
      const base = {
        runId: input.runId,
        jobName: input.jobName,
        startedAt,
        finishedAt: null,
        errorMessage: null,
        consecutiveFailureCount: null,
        lastSuccessAt: state.lastSuccessAt,
        host: input.host,
        summary: null,
        deliveries: [],
      }
      const holder = input.exclusive && state.lockRunId ? runsById.get(state.lockRunId) : undefined
      if (holder && holder.status === 'running') {
        append(state, {
          ...base,
          status: 'skipped',
          finishedAt: startedAt,
          leaseExpiresAt: null,
          holderRunId: holder.runId,
        })
        return { outcome: 'skipped', startedAt, holderRunId: holder.runId, abandoned }
      }
      append(state, {
        ...base,
        status: 'running',
        leaseExpiresAt: new Date(startedAt.getTime() + input.leaseMs),
        holderRunId: null,
      })
      if (input.exclusive) state.lockRunId = input.runId
      return {
        outcome: 'started',
        startedAt,
        consecutiveFailureCount: state.consecutiveFailureCount,
        lastSuccessAt: state.lastSuccessAt,
        abandoned,
      }
    },

    async heartbeat(input: HeartbeatInput): Promise<boolean> {
      const run = runsById.get(input.runId)
      if (!run || run.jobName !== input.jobName || run.status !== 'running') return false
      run.leaseExpiresAt = new Date(now().getTime() + input.leaseMs)
      return true
    },

    async finishRun(input: FinishRunInput): Promise<StreakTransition | null> {
      const run = runsById.get(input.runId)
      if (!run || run.jobName !== input.jobName || run.status !== 'running') return null
      run.summary = input.summary
      return close(jobState(input.jobName), run, input.status, now(), input.errorMessage)
    },

    async recordMissedRun(input: RecordMissedRunInput): Promise<boolean> {
      if (runsById.has(input.runId)) return false
      const state = jobState(input.jobName)
      append(state, {
        runId: input.runId,
        jobName: input.jobName,
        status: 'missed',
        startedAt: input.expectedAt,
        finishedAt: input.detectedAt,
        leaseExpiresAt: null,
        errorMessage: input.errorMessage,
        consecutiveFailureCount: null,
        lastSuccessAt: state.lastSuccessAt,
        holderRunId: null,
        host: null,
        summary: null,
        deliveries: [],
      })
      return true
    },

    async recordDeliveries(runId: string, deliveries: readonly DeliveryRecord[]): Promise<void> {
      runsById.get(runId)?.deliveries.push(...deliveries)
    },

    async listRuns(jobName: string, listOptions: ListRunsOptions = {}): Promise<RunRecord[]> {
      const limit = listOptions.limit ?? 50
      const runs = jobs.get(jobName)?.runs ?? []
      return runs.slice(-limit).reverse().map(toRecord)
    },
  }
}

export function abandonedMessage(leaseExpiredAt: Date): string {
  return `Run abandoned: its lease expired at ${leaseExpiredAt.toISOString()} without a heartbeat (the process likely crashed or stalled)`
}

function toRecord(run: MemoryRun): RunRecord {
  return {
    run_id: run.runId,
    job_name: run.jobName,
    status: run.status,
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
    duration_ms: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    error_message: run.errorMessage,
    consecutive_failure_count: run.consecutiveFailureCount,
    last_success_at: run.lastSuccessAt?.toISOString() ?? null,
    holder_run_id: run.holderRunId,
    host: run.host,
    summary: run.summary === null ? null : structuredClone(run.summary),
    deliveries: run.deliveries.map((delivery) => ({ ...delivery })),
  }
}
