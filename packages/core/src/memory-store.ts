import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { AlertEventType } from './alert-event.js'
import { parseOptions } from './parse-options.js'
import type {
  AlertPolicy,
  AlertRecord,
  AlertSpec,
  DeliveryRecord,
  ExecutionLogStore,
  NotifierDeliveryState,
  PendingAlert,
  RecordAlertOutcomeInput,
  RunRecord,
  RunStatus,
  RunSummary,
  StreakTransition,
} from './ports.js'
import { checkJobName, cleanText, clipText } from './safe-text.js'
import { functionSchema, schemaMatches } from './schema-helpers.js'
import { abandonedMessage, advanceStreak, type ClosedExecution } from './streak.js'

const memoryStoreOptionsSchema = z.strictObject({
  /** Oldest rows beyond this many per job are dropped, so a long-lived process stays small. */
  maxRunsPerJob: z.number().int().min(1).default(1_000),
  /** The store's clock, for leases and timestamps. */
  now: functionSchema<() => Date>().default(() => () => new Date()),
})

/** Options of `createMemoryStore`; unknown keys are an error. */
export interface MemoryStoreOptions {
  /** Oldest rows beyond this many per job are dropped. Default 1000. */
  maxRunsPerJob?: number
  /** The store's clock, for leases and timestamps. Default: the system clock. */
  now?: () => Date
}

schemaMatches<typeof memoryStoreOptionsSchema, MemoryStoreOptions>(true)

interface JobState {
  consecutiveFailureCount: number
  lastSuccessAt: Date | null
  downSince: Date | null
  /** When the streak's latest failure closed. */
  lastFailureAt: Date | null
  /** The latest begun run's start (skipped ones included). */
  lastRunAt: Date | null
  mutedUntil: Date | null
  /** The `down_since` of a streak whose alert was recorded muted. */
  alertMutedFor: Date | null
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

interface MemoryAlert {
  alertId: string
  jobName: string
  runId: string
  createdAt: Date
  expiresAt: Date
  subject: PendingAlert['subject']
  policy: AlertPolicy
  notifiers: NotifierDeliveryState[]
  eventType: AlertEventType | null
  status: AlertRecord['status']
  muted: boolean
  claimToken: string | null
  claimedUntil: Date | null
}

/** Error text as every store keeps it: well-formed, clipped to one limit (safe-text.ts). */
const storedError = (message: string | null) => (message === null ? null : clipText(cleanText(message)))

const isOpen = (state: NotifierDeliveryState) => state.status === 'pending' || state.status === 'failed'

/** The events that announce a streak: once they are muted, so is the recovery that ends it. */
const ANNOUNCES_STREAK: ReadonlySet<AlertEventType | null> = new Set(['consecutive_failures', 'missed_run'])

const sameTime = (a: Date | null, b: Date | null) => a !== null && b !== null && a.getTime() === b.getTime()

/**
 * The reference store: the embedded default, the contract suite's yardstick, and enough for
 * a single process. Each method runs synchronously to completion before it resolves, which
 * is what makes every step atomic on one event loop. Nothing survives a restart.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ExecutionLogStore {
  const { maxRunsPerJob, now } = parseOptions(memoryStoreOptionsSchema, options, 'createMemoryStore options')
  const jobs = new Map<string, JobState>()
  const runsById = new Map<string, MemoryRun>()
  /** Alert entries, oldest first. */
  let alerts: MemoryAlert[] = []
  const alertsById = new Map<string, MemoryAlert>()

  const writeAlert = (
    jobName: string,
    runId: string,
    subject: PendingAlert['subject'],
    spec: AlertSpec,
    claimed: boolean,
  ): PendingAlert => {
    const createdAt = now()
    const state = jobState(jobName)
    const endsMutedStreak =
      subject.kind === 'transition' &&
      subject.transition.status === 'succeeded' &&
      sameTime(subject.transition.downSince, state.alertMutedFor)
    const alert: MemoryAlert = {
      alertId: randomUUID(),
      jobName,
      runId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + spec.ttlMs),
      subject: structuredClone(subject),
      policy: {
        failureThreshold: spec.policy.failureThreshold,
        notifyOnRecovery: spec.policy.notifyOnRecovery,
        realertEveryMs: spec.policy.realertEveryMs ?? null,
      },
      notifiers: spec.notifiers.map((name) => pendingState(name, createdAt)),
      eventType: null,
      status: 'pending',
      muted: (state.mutedUntil !== null && state.mutedUntil > createdAt) || endsMutedStreak,
      claimToken: claimed ? randomUUID() : null,
      claimedUntil: claimed ? new Date(createdAt.getTime() + spec.claimMs) : null,
    }
    alerts.push(alert)
    alertsById.set(alert.alertId, alert)
    pruneAlerts(jobName)
    return toPending(alert, createdAt)
  }

  // Settled entries beyond the per-job bound go first, as old runs do; open ones always stay.
  const pruneAlerts = (jobName: string) => {
    const settled = alerts.filter((alert) => alert.jobName === jobName && alert.status !== 'pending')
    if (settled.length <= maxRunsPerJob) return
    const dropped = new Set(settled.slice(0, settled.length - maxRunsPerJob))
    for (const alert of dropped) alertsById.delete(alert.alertId)
    alerts = alerts.filter((alert) => !dropped.has(alert))
  }

  const transitionAlert = (transition: StreakTransition, spec: AlertSpec | null, claimed: boolean) =>
    spec && couldAlert(transition)
      ? writeAlert(transition.jobName, transition.runId, { kind: 'transition', transition }, spec, claimed)
      : null

  const pendingCount = (jobName: string) =>
    alerts.filter((alert) => alert.jobName === jobName && alert.status === 'pending').length

  const jobState = (jobName: string): JobState => {
    let state = jobs.get(jobName)
    if (!state) {
      state = {
        consecutiveFailureCount: 0,
        lastSuccessAt: null,
        downSince: null,
        lastFailureAt: null,
        lastRunAt: null,
        mutedUntil: null,
        alertMutedFor: null,
        lockRunId: null,
        runs: [],
      }
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

  /** The streak rules (streak.ts) applied to the job's state in place. */
  const step = (state: JobState, closed: ClosedExecution): StreakTransition => {
    const { state: next, transition } = advanceStreak(state, closed)
    // A new incident: whatever muted the last one's alert says nothing of this one.
    if (transition.previousFailureCount === 0 && closed.status !== 'succeeded') state.alertMutedFor = null
    Object.assign(state, next)
    return transition
  }

  const close = (
    state: JobState,
    run: MemoryRun,
    status: 'succeeded' | 'failed' | 'abandoned',
    finishedAt: Date,
    errorMessage: string | null,
  ): StreakTransition => {
    const transition = step(state, { ...run, status, finishedAt, errorMessage, missed: null })
    if (state.lockRunId === run.runId) state.lockRunId = null
    run.status = status
    run.finishedAt = finishedAt
    run.leaseExpiresAt = null
    run.errorMessage = errorMessage
    run.consecutiveFailureCount = state.consecutiveFailureCount
    run.lastSuccessAt = state.lastSuccessAt
    return transition
  }

  // A muted announcement mutes the streak's recovery; a delivered reminder of it unmutes it.
  const markMutedStreak = (alert: MemoryAlert, input: RecordAlertOutcomeInput) => {
    if (alert.subject.kind !== 'transition') return
    const state = jobState(alert.jobName)
    const downSince = alert.subject.transition.downSince
    const statuses = new Set(input.outcomes.map((outcome) => outcome.status))
    if (statuses.has('muted') && ANNOUNCES_STREAK.has(input.eventType)) state.alertMutedFor = downSince
    else if (
      statuses.has('delivered') &&
      input.eventType === 'still_failing' &&
      sameTime(downSince, state.alertMutedFor)
    )
      state.alertMutedFor = null
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
    async beginRun(input) {
      checkJobName(input.jobName)
      const startedAt = now()
      const state = jobState(input.jobName)
      state.lastRunAt = startedAt
      const abandoned = closeExpired(state, startedAt)
      for (const transition of abandoned) transitionAlert(transition, input.alert, false)
      const base = {
        runId: input.runId,
        jobName: input.jobName,
        startedAt,
        finishedAt: null,
        errorMessage: null,
        consecutiveFailureCount: null,
        lastSuccessAt: state.lastSuccessAt,
        host: input.host === null ? null : cleanText(input.host),
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
        return {
          outcome: 'skipped',
          startedAt,
          holderRunId: holder.runId,
          abandoned,
          pendingAlerts: pendingCount(input.jobName),
        }
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
        pendingAlerts: pendingCount(input.jobName),
      }
    },

    async heartbeat(input) {
      const run = runsById.get(input.runId)
      if (!run || run.jobName !== input.jobName || run.status !== 'running') return false
      run.leaseExpiresAt = new Date(now().getTime() + input.leaseMs)
      return true
    },

    async finishRun(input) {
      const run = runsById.get(input.runId)
      if (!run || run.jobName !== input.jobName || run.status !== 'running') return null
      run.summary = input.summary
      const transition = close(jobState(input.jobName), run, input.status, now(), storedError(input.errorMessage))
      return { transition, alert: transitionAlert(transition, input.alert, true) }
    },

    async recordMissedRun(input) {
      checkJobName(input.jobName)
      const state = jobs.get(input.jobName)
      // Recorded before, or a run began at or after the time: it was not missed.
      const ranSince = state?.lastRunAt && state.lastRunAt >= input.expectedAt
      if (runsById.has(input.runId) || ranSince) return { created: false, transition: null, alert: null }
      const job = jobState(input.jobName)
      const errorMessage = storedError(input.errorMessage)
      const row = { runId: input.runId, jobName: input.jobName, startedAt: input.expectedAt }
      const transition = step(job, {
        ...row,
        status: 'missed',
        finishedAt: input.detectedAt,
        errorMessage,
        missed: { schedule: input.missed.schedule, timezone: input.missed.timezone, lastRunAt: input.missed.lastRunAt },
      })
      append(job, {
        ...row,
        status: 'missed',
        finishedAt: input.detectedAt,
        leaseExpiresAt: null,
        errorMessage,
        consecutiveFailureCount: job.consecutiveFailureCount,
        lastSuccessAt: job.lastSuccessAt,
        holderRunId: null,
        host: null,
        summary: null,
        deliveries: [],
      })
      return { created: true, transition, alert: transitionAlert(transition, input.alert, true) }
    },

    async enqueueAlert(input) {
      checkJobName(input.jobName)
      return writeAlert(input.jobName, input.runId, { kind: 'event', event: input.event }, input.alert, true)
    },

    async claimAlerts(input) {
      const at = now()
      const wanted = new Set(input.notifiers)
      const claimed: PendingAlert[] = []
      for (const alert of alerts) {
        if (claimed.length >= input.limit) break
        if (alert.status !== 'pending') continue
        if (input.jobNames && !input.jobNames.includes(alert.jobName)) continue
        if (alert.claimedUntil && alert.claimedUntil > at) continue
        // Written without notifier names (by SQL-side ingestion): owed to the first claimer's.
        if (alert.notifiers.length === 0) alert.notifiers = input.notifiers.map((name) => pendingState(name, at))
        const due = alert.notifiers.some(
          (state) => wanted.has(state.notifier) && isOpen(state) && new Date(state.next_attempt_at ?? 0) <= at,
        )
        if (!due && alert.expiresAt > at) continue
        alert.claimToken = randomUUID()
        alert.claimedUntil = new Date(at.getTime() + input.claimMs)
        claimed.push(toPending(alert, at))
      }
      return claimed
    },

    async recordAlertOutcome(input) {
      const alert = alertsById.get(input.alertId)
      if (!alert) return
      const at = now()
      for (const outcome of input.outcomes) {
        const { retryAfterMs, ...given } = outcome
        const record = { ...given, error_message: storedError(given.error_message) }
        runsById.get(alert.runId)?.deliveries.push(record)
        const state = alert.notifiers.find((candidate) => candidate.notifier === outcome.notifier)
        if (!state || !isOpen(state)) continue // delivered, expired and muted are final
        if (outcome.status !== 'expired' && outcome.status !== 'muted') state.attempts += 1
        state.last_attempt_at = outcome.attempted_at
        if (outcome.status === 'delivered' || outcome.status === 'expired' || outcome.status === 'muted') {
          state.status = outcome.status
          state.next_attempt_at = null
        } else {
          state.status = 'failed'
          state.last_error = record.error_message
          state.next_attempt_at = new Date(at.getTime() + (retryAfterMs ?? 0)).toISOString()
        }
      }
      alert.eventType ??= input.eventType
      alert.status = settledStatus(alert, input, at)
      markMutedStreak(alert, input)
      if (alert.claimToken === input.claimToken) {
        alert.claimToken = null
        alert.claimedUntil = null
      }
    },

    async listAlerts(input) {
      const limit = input.limit ?? 50
      return alerts
        .filter((alert) => alert.jobName === input.jobName)
        .slice(-limit)
        .reverse()
        .map(toAlertRecord)
    },

    async listRuns(input) {
      const limit = input.limit ?? 50
      const runs = jobs.get(input.jobName)?.runs ?? []
      return runs.slice(-limit).reverse().map(toRecord)
    },

    async getJob(input) {
      const state = jobs.get(input.jobName)
      if (!state) return null
      return {
        job_name: input.jobName,
        consecutive_failure_count: state.consecutiveFailureCount,
        down_since: state.downSince?.toISOString() ?? null,
        last_success_at: state.lastSuccessAt?.toISOString() ?? null,
        last_run_at: state.lastRunAt?.toISOString() ?? null,
        muted_until: state.mutedUntil?.toISOString() ?? null,
      }
    },

    async muteJob(input) {
      checkJobName(input.jobName)
      jobState(input.jobName).mutedUntil = input.until === null ? null : new Date(input.until)
    },
  }
}

/** A failure may reach the threshold; a success may end a streak. A success after a success cannot alert. */
function couldAlert(transition: StreakTransition): boolean {
  return transition.status !== 'succeeded' || transition.previousFailureCount > 0
}

function pendingState(notifier: string, at: Date): NotifierDeliveryState {
  return {
    notifier,
    status: 'pending',
    attempts: 0,
    last_error: null,
    last_attempt_at: null,
    next_attempt_at: at.toISOString(),
  }
}

function settledStatus(alert: MemoryAlert, input: RecordAlertOutcomeInput, at: Date): AlertRecord['status'] {
  if (alert.status !== 'pending') return alert.status
  if (input.eventType === null && input.outcomes.length === 0) return 'no_event'
  // Owed to no one yet (no dispatcher with notifiers came): it can only expire.
  if (alert.notifiers.length === 0) return alert.expiresAt <= at ? 'expired' : 'pending'
  if (alert.notifiers.some(isOpen)) return 'pending'
  if (alert.notifiers.every((state) => state.status === 'delivered')) return 'delivered'
  return alert.notifiers.every((state) => state.status === 'muted') ? 'muted' : 'expired'
}

function toPending(alert: MemoryAlert, at: Date): PendingAlert {
  return {
    alertId: alert.alertId,
    jobName: alert.jobName,
    runId: alert.runId,
    createdAt: new Date(alert.createdAt),
    expiresAt: new Date(alert.expiresAt),
    expired: alert.expiresAt <= at,
    muted: alert.muted,
    subject: structuredClone(alert.subject),
    policy: { ...alert.policy },
    notifiers: alert.notifiers.map((state) => ({ ...state })),
    claimToken: alert.claimToken ?? '',
  }
}

function toAlertRecord(alert: MemoryAlert): AlertRecord {
  return {
    alert_id: alert.alertId,
    job_name: alert.jobName,
    run_id: alert.runId,
    event_type: alert.eventType,
    status: alert.status,
    created_at: alert.createdAt.toISOString(),
    expires_at: alert.expiresAt.toISOString(),
    notifiers: alert.notifiers.map((state) => ({ ...state })),
  }
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
