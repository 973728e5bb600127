import type { AlertEvent } from './alert-event.js'
import { describeError } from './describe-error.js'
import { NotifyTimeoutError } from './errors.js'
import type { DeliveryRecord, Notifier } from './ports.js'

/** Options of `dispatchEvent`. */
export interface DispatchOptions {
  /** Every notifier to send to, all at once; each gets its own signal and timeout. */
  notifiers: readonly Notifier[]
  /** Per notifier: after this the notifier's signal is aborted and its delivery given up. */
  timeoutMs: number
  /** The clock for each record's `attempted_at` and `duration_ms`. */
  now: () => Date
}

/**
 * Sends one event to every notifier in parallel. Never rejects: a notifier that throws,
 * rejects or hangs becomes a `failed` / `timed_out` record, and cannot delay the caller by
 * more than `timeoutMs` nor stop the other notifiers.
 */
export async function dispatchEvent(event: AlertEvent, options: DispatchOptions): Promise<DeliveryRecord[]> {
  return Promise.all(options.notifiers.map((notifier) => sendTo(notifier, event, options)))
}

/** One notifier, one attempt: the record says how it went. */
async function sendTo(notifier: Notifier, event: AlertEvent, options: DispatchOptions): Promise<DeliveryRecord> {
  const attemptedAt = options.now()
  const controller = new AbortController()
  const outcome = await new Promise<{ status: DeliveryRecord['status']; error?: unknown }>((resolve) => {
    const timer = setTimeout(() => {
      const error = new NotifyTimeoutError(notifier.name, options.timeoutMs)
      controller.abort(error)
      resolve({ status: 'timed_out', error })
    }, options.timeoutMs)
    // `then` also turns a synchronous throw inside notify() into a rejection.
    Promise.resolve()
      .then(() => notifier.notify(event, { signal: controller.signal }))
      .then(
        () => resolve({ status: 'delivered' }),
        (error: unknown) => resolve({ status: 'failed', error }),
      )
      .finally(() => clearTimeout(timer))
  })
  return {
    notifier: notifier.name,
    event_type: event.type,
    status: outcome.status,
    error_message: outcome.status === 'delivered' ? null : describeError(outcome.error),
    attempted_at: attemptedAt.toISOString(),
    duration_ms: Math.max(0, options.now().getTime() - attemptedAt.getTime()),
  }
}
