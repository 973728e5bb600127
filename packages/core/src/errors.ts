import { describeError } from './describe-error.js'

// A registry symbol, not a module-local one: the ESM and the CJS build of core (and two
// installed versions) get the same symbol, so an error from one copy passes the other's check.
const errorBrand = Symbol.for('cronwarden.error')

/**
 * Every error cronwarden itself throws extends `CronwardenError`, so callers can tell ours
 * from their job's (which is always rethrown as is). Wrapped errors keep `cause`.
 *
 * To check one, use `isCronwardenError(error)` and `errorCode` rather than `instanceof`:
 * `instanceof` fails when an app loads both the ESM and the CJS build.
 */
export class CronwardenError extends Error {
  static {
    // On the prototype, not each instance: not enumerable, so logs and JSON stay as they were.
    Object.defineProperty(CronwardenError.prototype, errorBrand, { value: true })
    Object.defineProperty(CronwardenError.prototype, 'errorCode', {
      get(this: CronwardenError) {
        return errorCodeOf(this.name)
      },
    })
  }

  /**
   * Which cronwarden error this is (`StoreError`, `OptionsError`, ...). A plain string, so it
   * still identifies an error from a second copy of the library, where `instanceof` fails.
   */
  override name = 'CronwardenError'

  /**
   * A stable code for this error's class: `ERR_CRONWARDEN_` and the class name without `Error`
   * in upper snake case (`ERR_CRONWARDEN_STORE_TIMEOUT` for `StoreTimeoutError`). One per
   * class, never reused, unchanged across versions; check it after `isCronwardenError`.
   * Named `errorCode` because some errors already have a `code` that says why they failed.
   * Derived from `name` in one place; each class declares its literal for type narrowing.
   */
  declare readonly errorCode: string
}

/** `StoreTimeoutError` → `ERR_CRONWARDEN_STORE_TIMEOUT`; the base class is `ERR_CRONWARDEN`. */
function errorCodeOf(name: string): string {
  const words = name.replace(/Error$/, '').replace(/^Cronwarden$/, '')
  return words === ''
    ? 'ERR_CRONWARDEN'
    : `ERR_CRONWARDEN_${words.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`
}

/**
 * Whether `value` is an error thrown by cronwarden, from any copy of the library (the ESM and
 * the CJS build, or two installed versions), where `instanceof CronwardenError` can say no.
 * Tell the kinds apart with `errorCode`: `isCronwardenError(error) && error.errorCode === 'ERR_CRONWARDEN_STORE'`.
 */
export function isCronwardenError(value: unknown): value is CronwardenError {
  return typeof value === 'object' && value !== null && (value as { [errorBrand]?: unknown })[errorBrand] === true
}

/** One field that failed validation, as listed in `OptionsError.issues`. */
export interface OptionIssue {
  /** Dotted path of the offending field, e.g. `notifiers.1.notify`. */
  readonly path: string
  /** What is wrong there, e.g. `unknown option (did you mean "jobName"?)`. */
  readonly message: string
}

// A field an error is built from is a parameter property (`readonly runId: string` in the
// constructor), so each class states it once, with its documentation, where it is given.

/** Options that do not match their schema: the message names every bad field. */
export class OptionsError extends CronwardenError {
  override name = 'OptionsError'
  /** Always `ERR_CRONWARDEN_OPTIONS`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_OPTIONS'

  constructor(
    subject: string,
    /** Every bad field; the message lists the same, one per line. */
    readonly issues: readonly OptionIssue[],
  ) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`)
    super(`Invalid ${subject}:\n${lines.join('\n')}`)
  }
}

/** An overlapping call: another run of the same job holds the lease. */
export class RunSkippedError extends CronwardenError {
  override name = 'RunSkippedError'
  /** Always `ERR_CRONWARDEN_RUN_SKIPPED`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_RUN_SKIPPED'

  constructor(
    /** The job whose call was skipped. */
    readonly jobName: string,
    /** The id of the skipped call's own (skipped) row in the execution log. */
    readonly runId: string,
    /** The run that held the lease when this call tried to start. */
    readonly holderRunId: string,
  ) {
    super(`Run ${runId} of job "${jobName}" was skipped: run ${holderRunId} is still in progress`)
  }
}

/**
 * The base of every "did not settle in time" error: the limit, and the wording of the message
 * in one place. Not thrown itself; check a subclass's `errorCode`.
 */
export abstract class TimeLimitError extends CronwardenError {
  protected constructor(
    what: string,
    /** The limit it passed, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`${what} did not finish within ${timeoutMs} ms`)
  }
}

/** A notifier did not settle within `notifyTimeoutMs`; its signal was aborted with this. */
export class NotifyTimeoutError extends TimeLimitError {
  override name = 'NotifyTimeoutError'
  /** Always `ERR_CRONWARDEN_NOTIFY_TIMEOUT`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_NOTIFY_TIMEOUT'

  constructor(
    /** The notifier that did not settle in time. */
    readonly notifierName: string,
    timeoutMs: number,
  ) {
    super(`Notifier "${notifierName}"`, timeoutMs)
  }
}

/**
 * The run's lease was taken over (the heartbeat found the run closed, usually because the
 * process stalled past the lease and a later run closed it as abandoned). The job's signal
 * is aborted with this so a cooperative job stops instead of overlapping its successor.
 */
export class LeaseLostError extends CronwardenError {
  override name = 'LeaseLostError'
  /** Always `ERR_CRONWARDEN_LEASE_LOST`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_LEASE_LOST'

  constructor(
    /** The run that lost its lease; the log records it as abandoned. */
    readonly runId: string,
  ) {
    super(`Run ${runId} lost its lease: a later run closed it as abandoned`)
  }
}

/** The execution log store failed; `cause` holds the store's own error. */
export class StoreError extends CronwardenError {
  override name = 'StoreError'
  /** Always `ERR_CRONWARDEN_STORE`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_STORE'

  constructor(
    /** The store method that failed or timed out (`beginRun`, `finishRun`, ...). */
    readonly operation: string,
    options: { cause: unknown },
  ) {
    super(`Execution log store failed during ${operation}: ${describeError(options.cause)}`, options)
  }
}

/** A store call did not settle within `storeTimeoutMs`; the caller stopped waiting. */
export class StoreTimeoutError extends TimeLimitError {
  override name = 'StoreTimeoutError'
  /** Always `ERR_CRONWARDEN_STORE_TIMEOUT`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_STORE_TIMEOUT'

  constructor(
    /** The store call that did not settle in time (`beginRun`, `finishRun`, ...). */
    readonly operation: string,
    timeoutMs: number,
  ) {
    super(`store call ${operation}`, timeoutMs)
  }
}

/** A notifier failed outside the run (for example while delivering an out-of-band event). */
export class DeliveryError extends CronwardenError {
  override name = 'DeliveryError'
  /** Always `ERR_CRONWARDEN_DELIVERY`. */
  declare readonly errorCode: 'ERR_CRONWARDEN_DELIVERY'
}
