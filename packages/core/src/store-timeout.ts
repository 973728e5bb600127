import { StoreTimeoutError } from './errors.js'
import type { ExecutionLogStore } from './ports.js'

/**
 * The store with every call bounded: past `timeoutMs` the returned promise rejects with
 * `StoreTimeoutError` while the call itself goes on (a database cannot be told to undo a
 * commit it may already have made). A black-holed connection or a lock held elsewhere then
 * costs the caller `timeoutMs`, not forever. A late rejection is swallowed; it was reported
 * as the timeout.
 */
export function withStoreTimeout(store: ExecutionLogStore, timeoutMs: number): ExecutionLogStore {
  const bound =
    <Args extends unknown[], Result>(operation: string, call: (...args: Args) => Promise<Result>) =>
    (...args: Args): Promise<Result> =>
      boundCall(operation, timeoutMs, () => call.apply(store, args))
  return {
    beginRun: bound('beginRun', store.beginRun),
    heartbeat: bound('heartbeat', store.heartbeat),
    finishRun: bound('finishRun', store.finishRun),
    recordMissedRun: bound('recordMissedRun', store.recordMissedRun),
    enqueueAlert: bound('enqueueAlert', store.enqueueAlert),
    claimAlerts: bound('claimAlerts', store.claimAlerts),
    recordAlertOutcome: bound('recordAlertOutcome', store.recordAlertOutcome),
    listAlerts: bound('listAlerts', store.listAlerts),
    listRuns: bound('listRuns', store.listRuns),
    getJob: bound('getJob', store.getJob),
    muteJob: bound('muteJob', store.muteJob),
  }
}

/**
 * One database call bounded the same way, for calls made outside a store (a store adapter's
 * own maintenance calls): rejects with `StoreTimeoutError` after `timeoutMs`.
 */
export function boundCall<Result>(operation: string, timeoutMs: number, call: () => Promise<Result>): Promise<Result> {
  const pending = invoke(call)
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(operation, timeoutMs)), timeoutMs)
  })
  // A late rejection was reported as the timeout.
  pending.catch(() => {})
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer))
}

/** Calls at once (not a microtask later), with a synchronous throw as a rejection. */
function invoke<Result>(call: () => Promise<Result>): Promise<Result> {
  try {
    return Promise.resolve(call())
  } catch (error) {
    return Promise.reject(error)
  }
}
