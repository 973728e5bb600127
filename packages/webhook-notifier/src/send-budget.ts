import { counted, describeError, untilAborted } from '@cronwarden/core/plugin'
import { WebhookNotifierError } from './errors.js'

/**
 * The time one send may take. One signal ends everything when `timeoutMs` has passed or the
 * caller aborts: the resolvers and the `format` function (user code that may hang), each
 * request, and each wait between attempts.
 */
export interface SendBudget {
  /** Aborted at the deadline or when the caller's signal aborts. */
  readonly signal: AbortSignal
  /** Milliseconds until the deadline; negative once it passed. */
  remainingMs(): number
  /** The error a send ends with once `signal` aborted: `aborted` for the caller's, else `timeout`. */
  stopped(attempts: number): WebhookNotifierError
  /** Settles like `promise`, or rejects with `stopped(attempts)` as soon as `signal` aborts. */
  within<T>(promise: Promise<T>, attempts?: number): Promise<T>
}

export function startBudget(timeoutMs: number, caller: AbortSignal | undefined, channel: string): SendBudget {
  const startedAt = performance.now()
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = caller ? AbortSignal.any([caller, deadline]) : deadline
  const stopped = (attempts: number) =>
    caller?.aborted ? abortedError(caller, channel, attempts) : timeoutError(timeoutMs, channel, attempts)
  return {
    signal,
    remainingMs: () => timeoutMs - (performance.now() - startedAt),
    stopped,
    within: <T>(promise: Promise<T>, attempts = 0) => untilAborted(promise, signal, () => stopped(attempts)),
  }
}

function timeoutError(timeoutMs: number, channel: string, attempts: number): WebhookNotifierError {
  return new WebhookNotifierError(
    `The send to ${channel} did not finish within ${timeoutMs} ms (timeoutMs, ${counted(attempts, 'attempt')})`,
    { code: 'timeout', attempts },
  )
}

function abortedError(caller: AbortSignal, channel: string, attempts: number): WebhookNotifierError {
  const reason: unknown = caller.reason
  // The caller's own reason (core's NotifyTimeoutError); it never held a secret of ours.
  return new WebhookNotifierError(`Sending to ${channel} was aborted: ${describeError(reason)}`, {
    code: 'aborted',
    attempts,
    cause: reason,
  })
}
