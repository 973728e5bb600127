/**
 * Settles like `promise`, or rejects as soon as `signal` aborts, whichever comes first: a
 * step that ignores signals (a resolver reading a stuck database, an SMTP library) cannot
 * outlive a notifier's time budget. The rejection is `reason()` when given (a channel's own
 * timeout or aborted error), else the signal's reason. The listener is removed once settled.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, reason?: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason ? reason() : signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject)
  })
}
