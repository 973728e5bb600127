import { randomUUID } from 'node:crypto'
import type { AlertEvent } from './alert-event.js'
import { createAlertPipeline } from './alert-pipeline.js'
import { decideAlerts, longRunningEvent } from './decide-alerts.js'
import { describeError } from './describe-error.js'
import { LeaseLostError, OptionsError, RunSkippedError, StoreError } from './errors.js'
import { checkSummary, type JobContext } from './job-context.js'
import { type ResolvedOptions, resolveOptions, type WithFailureAlertingOptions } from './options.js'
import type { BeginRunResult, RunSummary } from './ports.js'

/**
 * The function `withFailureAlerting` wraps. A return (or resolve) records a success and a
 * throw (or reject) a failure; either comes back to the caller unchanged.
 */
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
  return () => runOnce(job, resolved)
}

async function runOnce<T>(job: Job<T>, options: ResolvedOptions): Promise<T> {
  const { store, jobName, logger } = options
  const runId = randomUUID()
  const reportInternal = (error: Error) => {
    logger.error('cronwarden internal error', { job_name: jobName, run_id: runId, error })
    options.onInternalError(error)
  }
  const pipeline = createAlertPipeline({ ...options, reportInternal })
  const policy = {
    failureThreshold: options.failureThreshold,
    notifyOnRecovery: options.notifyOnRecovery,
    realertEveryMs: options.realertEveryMs,
  }
  const alert = pipeline.spec(policy)

  let begun: BeginRunResult
  try {
    begun = await store.beginRun({
      jobName,
      runId,
      leaseMs: options.leaseMs,
      exclusive: options.exclusive,
      host: options.host,
      alert,
    })
  } catch (cause) {
    const error = new StoreError('beginRun', { cause })
    reportInternal(error)
    throw error
  }
  if (!alert)
    for (const transition of begun.abandoned) warnUndeliverable(decideAlerts(transition, policy, options.now()))
  // Alerts a crashed or cut-off caller left behind (runs just closed as abandoned among
  // them) go out before this run, in one bounded batch; a sweeper takes any rest.
  if (begun.pendingAlerts > 0) await pipeline.deliverPending([jobName], 1).catch(reportInternal)

  if (begun.outcome === 'skipped') throw new RunSkippedError(jobName, runId, begun.holderRunId)

  const inFlight: Promise<unknown>[] = []
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
  const onLongRunning = (limit: number) => {
    const event = longRunningEvent({
      jobName,
      runId,
      startedAt: begun.startedAt,
      maxRuntimeMs: limit,
      lastSuccessAt: begun.outcome === 'started' ? begun.lastSuccessAt : null,
      now: options.now(),
    })
    if (!alert) return warnUndeliverable(event)
    inFlight.push(
      store
        .enqueueAlert({ jobName, runId, event, alert })
        .then(pipeline.deliver, (cause: unknown) => reportInternal(new StoreError('enqueueAlert', { cause })))
        // The watchdog fires on a timer: nothing awaits it until the job settles.
        .catch(reportInternal),
    )
  }
  const watchdog = maxRuntimeMs === false ? undefined : setTimeout(() => onLongRunning(maxRuntimeMs), maxRuntimeMs)
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
    const finished = await store.finishRun({
      jobName,
      runId,
      status: outcome.ok ? 'succeeded' : 'failed',
      errorMessage: outcome.ok ? null : describeError(outcome.error),
      summary,
      alert,
    })
    if (!finished)
      logger.warn('run finished after a later run closed it as abandoned; its outcome is not counted again', {
        job_name: jobName,
        run_id: runId,
        status: outcome.ok ? 'succeeded' : 'failed',
      })
    else if (finished.alert) inFlight.push(pipeline.deliver(finished.alert))
    else if (!alert) warnUndeliverable(decideAlerts(finished.transition, policy, options.now()))
  } catch (cause) {
    reportInternal(new StoreError('finishRun', { cause }))
  }

  await Promise.all(inFlight)
  if (outcome.ok) return outcome.value
  throw outcome.error

  function warnUndeliverable(event: AlertEvent | null): void {
    if (event) logger.warn('alert decided but no notifiers are configured', { event })
  }
}
