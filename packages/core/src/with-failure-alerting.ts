import { randomUUID } from 'node:crypto'
import type { AlertEvent } from './alert-event.js'
import { decideAlerts } from './decide-alerts.js'
import { deliverEvent } from './deliver-event.js'
import { describeError } from './describe-error.js'
import { LeaseLostError, OptionsError, RunSkippedError, StoreError } from './errors.js'
import { checkSummary, type JobContext } from './job-context.js'
import { createJsonLineLogger, type Logger } from './logger.js'
import { type ResolvedOptions, resolveOptions, type WithFailureAlertingOptions } from './options.js'
import type { RunSummary, StreakTransition } from './ports.js'

export type Job<T> = (context: JobContext) => T | Promise<T>

/**
 * Wraps a job so every call is recorded in the execution log, overlapping calls are
 * skipped, and the failure streak alerts exactly once when it reaches the threshold.
 *
 * The wrapper never changes the job's outcome: the call resolves with the job's result or
 * rejects with the job's own error object. Bookkeeping failures after the job ran are
 * reported to `onInternalError` and the logger, not thrown. Two cases reject without
 * running the job: another run holds the lease (`RunSkippedError`), or the store could not
 * record the start (`StoreError`), since then overlap could not be ruled out.
 */
export function withFailureAlerting<T>(job: Job<T>, options: WithFailureAlertingOptions): () => Promise<T> {
  if (typeof job !== 'function') {
    throw new OptionsError('withFailureAlerting arguments', [{ path: 'job', message: 'expected a function' }])
  }
  const resolved = resolveOptions(options)
  const logger = resolved.logger ?? createJsonLineLogger()
  return () => runOnce(job, resolved, logger)
}

async function runOnce<T>(job: Job<T>, options: ResolvedOptions, logger: Logger): Promise<T> {
  const { store, jobName } = options
  const runId = randomUUID()
  const reportInternal = (error: Error) => {
    logger.error('cronwarden internal error', { job_name: jobName, run_id: runId, error })
    try {
      options.onInternalError?.(error)
    } catch {
      // A faulty hook must not turn bookkeeping into a failed run.
    }
  }
  const alerts = new AlertQueue(options, logger, reportInternal)

  let begun: Awaited<ReturnType<typeof store.beginRun>>
  try {
    begun = await store.beginRun({
      jobName,
      runId,
      leaseMs: options.leaseMs,
      exclusive: options.exclusive,
      host: options.host,
    })
  } catch (cause) {
    const error = new StoreError('beginRun', { cause })
    reportInternal(error)
    throw error
  }
  for (const transition of begun.abandoned) alerts.onTransition(transition)

  if (begun.outcome === 'skipped') {
    await alerts.settled()
    throw new RunSkippedError(jobName, runId, begun.holderRunId)
  }

  const controller = new AbortController()
  let jobSettled = false
  let summary: RunSummary | null = null
  const context: JobContext = {
    runId,
    jobName,
    startedAt: begun.startedAt,
    signal: controller.signal,
    setSummary(value) {
      summary = checkSummary(value)
    },
  }

  const heartbeat = setInterval(
    () => {
      store.heartbeat({ jobName, runId, leaseMs: options.leaseMs }).then(
        (alive) => {
          // A heartbeat that raced the finish sees the run closed; that is not a lost lease.
          if (alive || jobSettled || controller.signal.aborted) return
          const error = new LeaseLostError(runId)
          logger.warn(error.message, { job_name: jobName, run_id: runId })
          controller.abort(error)
        },
        (cause: unknown) => reportInternal(new StoreError('heartbeat', { cause })),
      )
    },
    Math.max(1, Math.floor(options.leaseMs / 3)),
  )
  const { maxRuntimeMs } = options
  const watchdog =
    maxRuntimeMs === false
      ? undefined
      : setTimeout(() => alerts.push(longRunningEvent(options, maxRuntimeMs, runId, begun)), maxRuntimeMs)
  // Timers must not keep a finished process alive; the job's own work does that.
  heartbeat.unref?.()
  watchdog?.unref?.()

  let outcome: { ok: true; value: T } | { ok: false; error: unknown }
  try {
    outcome = { ok: true, value: await job(context) }
  } catch (error) {
    outcome = { ok: false, error }
  } finally {
    jobSettled = true
    clearInterval(heartbeat)
    clearTimeout(watchdog)
  }

  try {
    const transition = await store.finishRun({
      jobName,
      runId,
      status: outcome.ok ? 'succeeded' : 'failed',
      errorMessage: outcome.ok ? null : describeError(outcome.error),
      summary,
    })
    if (transition) alerts.onTransition(transition)
    else
      logger.warn('run finished after a later run closed it as abandoned; its outcome is not counted again', {
        job_name: jobName,
        run_id: runId,
        status: outcome.ok ? 'succeeded' : 'failed',
      })
  } catch (cause) {
    reportInternal(new StoreError('finishRun', { cause }))
  }

  await alerts.settled()
  if (outcome.ok) return outcome.value
  throw outcome.error
}

function longRunningEvent(
  options: ResolvedOptions,
  maxRuntimeMs: number,
  runId: string,
  begun: { startedAt: Date; lastSuccessAt: Date | null },
): AlertEvent {
  const now = options.now()
  return {
    type: 'long_running',
    job_name: options.jobName,
    run_id: runId,
    occurred_at: now.toISOString(),
    started_at: begun.startedAt.toISOString(),
    max_runtime_ms: maxRuntimeMs,
    running_for_ms: Math.max(0, now.getTime() - begun.startedAt.getTime()),
    last_success_at: begun.lastSuccessAt?.toISOString() ?? null,
  }
}

/**
 * Alerts decided during one call, delivered as they come and awaited before the call
 * settles. Delivery outcomes are logged and recorded on the run the event is about.
 */
class AlertQueue {
  readonly #pending: Promise<void>[] = []

  constructor(
    private readonly options: ResolvedOptions,
    private readonly logger: Logger,
    private readonly reportInternal: (error: Error) => void,
  ) {}

  onTransition(transition: StreakTransition): void {
    for (const event of decideAlerts(transition, this.options, this.options.now())) this.push(event)
  }

  push(event: AlertEvent): void {
    this.#pending.push(this.#deliver(event))
  }

  async settled(): Promise<void> {
    await Promise.all(this.#pending)
  }

  #deliver(event: AlertEvent): Promise<void> {
    return deliverEvent(event, { ...this.options, logger: this.logger, reportInternal: this.reportInternal })
  }
}
