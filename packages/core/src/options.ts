import { z } from 'zod'
import { fenceHook } from './fences.js'
import type { Logger } from './logger.js'
import { parseOptions } from './parse-options.js'
import type { ExecutionLogStore, Notifier } from './ports.js'
import { resolveRuntime } from './runtime.js'
import {
  durationMs,
  functionSchema,
  MAX_TIMER_MS,
  nameSchema,
  objectWithMethods,
  schemaMatches,
} from './schema-helpers.js'

/** What an object needs to be accepted as a store. */
export const STORE_METHODS = [
  'beginRun',
  'heartbeat',
  'finishRun',
  'recordMissedRun',
  'enqueueAlert',
  'claimAlerts',
  'recordAlertOutcome',
  'listAlerts',
  'listRuns',
  'getJob',
  'muteJob',
]

/** How long a crashed run can keep its job blocked; the heartbeat renews it at a third. */
export const DEFAULT_LEASE_MS = 60_000

/**
 * The shortest lease: its heartbeat runs every third of it, and below a second that is a
 * flood of store calls (a 2 ms lease made 1,712 heartbeat queries in 2 s).
 */
export const MIN_LEASE_MS = 1_000

/** How long one store call may take before the caller stops waiting for it. */
export const DEFAULT_STORE_TIMEOUT_MS = 10_000

/**
 * Accepts a `Notifier` (a `name` of 1–200 characters without control characters, and a
 * `notify` function) and passes it through as the same object: a custom check rather than an
 * object schema, since parsing would copy the notifier and cut a class-based one off its
 * prototype (and `this`).
 */
export const notifierSchema = z.custom<Notifier>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    nameSchema('notifier name').safeParse((value as Partial<Notifier>).name).success &&
    typeof (value as Partial<Notifier>).notify === 'function',
  {
    message:
      'expected a Notifier: an object with a `name` (1–200 characters, no control characters) and a `notify(event, { signal })` function',
  },
)

/** The policy `withFailureAlerting` applies when given none of its options. */
export const DEFAULT_POLICY = { failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null } as const

/** How long an undelivered alert is retried before it is recorded as expired. */
export const DEFAULT_ALERT_TTL_MS = 24 * 3_600_000

/**
 * The options of every entry point that sends alerts (the wrapper, the missed-run check, the
 * sweeper), declared once so they mean the same everywhere.
 */
export const dispatchOptionsShape = {
  /** Where alerts go; names must be unique (a caller's schema checks that). Default none. */
  notifiers: z.array(notifierSchema).default([]),
  /** Per store call; past it the caller stops waiting and reports a `StoreError`. */
  storeTimeoutMs: durationMs().default(DEFAULT_STORE_TIMEOUT_MS),
  /** Per notifier and event; after it the notifier's signal is aborted. */
  notifyTimeoutMs: durationMs().default(5_000),
  /** Wait before the first retry of a failed notifier; doubles per attempt, up to an hour. */
  retryDelayMs: durationMs().default(30_000),
  /** Where deliveries and internal errors are logged. Default: JSON lines on stdout/stderr. */
  logger: objectWithMethods<Logger>(['info', 'warn', 'error'], 'a logger').optional(),
  /** The clock for events decided outside a store (long runs, missed times) and attempts. */
  now: functionSchema<() => Date>().optional(),
}

/** ... and of those that also write alert entries. */
export const deliveryOptionsShape = {
  ...dispatchOptionsShape,
  /** An alert not delivered to every notifier by then is recorded as expired and logged. */
  alertTtlMs: durationMs().default(DEFAULT_ALERT_TTL_MS),
}

/** Delivery records and states are keyed by notifier name, so names must be unique. */
export function checkUniqueNotifierNames(notifiers: readonly Notifier[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>()
  notifiers.forEach((notifier, index) => {
    if (seen.has(notifier.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['notifiers', index, 'name'],
        message: `duplicate notifier name "${notifier.name}": delivery records are keyed by name`,
      })
    }
    seen.add(notifier.name)
  })
}

/**
 * Reminders are opt-in: none unless an interval is given. Not a timer (it is compared with
 * stored times), so it may exceed `setTimeout`'s limit. Shared with the missed-run check.
 */
export const realertSchema = z
  .number()
  .int()
  .positive()
  .max(366 * 86_400_000, 'expected at most a year in milliseconds')
  .nullable()
  .default(null)

const lockSchema = z.union(
  [
    z.boolean(),
    z.strictObject({
      /** A run without a heartbeat for this long is considered crashed. */
      leaseMs: z
        .number()
        .int()
        .min(MIN_LEASE_MS, `expected at least ${MIN_LEASE_MS} ms (the heartbeat renews the lease every third of it)`)
        .max(MAX_TIMER_MS)
        .default(DEFAULT_LEASE_MS),
    }),
  ],
  { error: 'expected true, false or { leaseMs }' },
)

export const withFailureAlertingOptionsSchema = z
  .strictObject({
    /** Names the job in the execution log and in alerts. */
    jobName: nameSchema('job name'),
    store: objectWithMethods<ExecutionLogStore>(STORE_METHODS, 'an ExecutionLogStore'),
    ...deliveryOptionsShape,
    /** Alert when the consecutive failure count reaches exactly this. */
    failureThreshold: z.number().int().min(1).default(2),
    /** One `long_running` event when a run passes this; `false` turns it off. */
    maxRuntimeMs: z
      .union([durationMs(), z.literal(false)], { error: 'expected a positive number of milliseconds, or false' })
      .default(30 * 60_000),
    /** Send a `recovered` event when a success ends a streak that alerted. */
    notifyOnRecovery: z.boolean().default(false),
    /** While a streak that alerted stays open, one `still_failing` reminder per interval. */
    realertEveryMs: realertSchema,
    /** Overlap prevention: `true` (default), `false`, or `{ leaseMs }`. */
    lock: lockSchema.default(true),
    /** Recorded with each run: a host name or an invocation id. */
    host: nameSchema('host name').nullable().default(null),
    /** Called with every error cronwarden handles on its own (store, delivery bookkeeping). */
    onInternalError: functionSchema<(error: Error) => void>().optional(),
  })
  .superRefine((options, ctx) => checkUniqueNotifierNames(options.notifiers, ctx))

/** Options of `withFailureAlerting`; defaults are the schema's. */
export interface WithFailureAlertingOptions {
  /** Names the job in the execution log and in alerts. */
  jobName: string
  /**
   * Where runs are recorded and the streak is kept. `createMemoryStore()` is enough for one
   * process; runs in several processes need one shared, database-backed store.
   */
  store: ExecutionLogStore
  /**
   * Where alerts go; names must be unique. Default none: runs are still recorded, and a
   * decided alert is only logged as a warning.
   */
  notifiers?: Notifier[]
  /** Alert when the consecutive failure count reaches exactly this. Default 2. */
  failureThreshold?: number
  /** One `long_running` event when a run passes this; `false` turns it off. Default 30 min. */
  maxRuntimeMs?: number | false
  /** Per notifier and event; then the notifier's signal is aborted. Default 5000. */
  notifyTimeoutMs?: number
  /**
   * Per store call. A `beginRun` past it rejects with `StoreError` without running the job;
   * any later call past it goes to `onInternalError`. Default 10 000.
   */
  storeTimeoutMs?: number
  /** An alert not delivered to every notifier by then is recorded as expired. Default 24 h. */
  alertTtlMs?: number
  /** Wait before retrying a failed notifier; doubles per attempt, up to 1 h. Default 30 000. */
  retryDelayMs?: number
  /** Send a `recovered` event when a success ends a streak that alerted. Default false. */
  notifyOnRecovery?: boolean
  /**
   * While a streak that alerted stays open, one `still_failing` reminder per this interval
   * (on the first failure after `down_since + k × realertEveryMs`), for example a day.
   * Default none: exactly one alert per streak.
   */
  realertEveryMs?: number | null
  /** Overlap prevention: `true` (default), `false`, or `{ leaseMs }` (default 60 000). */
  lock?: boolean | { leaseMs?: number }
  /** Recorded with each run: a host name or an invocation id. */
  host?: string | null
  /** Where cronwarden logs deliveries and internal errors. Default: JSON lines on stdout/stderr. */
  logger?: Logger
  /** Called with every error cronwarden handles on its own (store, delivery bookkeeping). */
  onInternalError?: (error: Error) => void
  /**
   * The clock for `long_running` event times and delivery records. Events decided from a
   * transition carry the store's time of it, so they are the same whoever decides them.
   */
  now?: () => Date
}

schemaMatches<typeof withFailureAlertingOptionsSchema, WithFailureAlertingOptions>(true)

export interface ResolvedOptions {
  jobName: string
  store: ExecutionLogStore
  notifiers: readonly Notifier[]
  failureThreshold: number
  maxRuntimeMs: number | false
  notifyTimeoutMs: number
  storeTimeoutMs: number
  alertTtlMs: number
  retryDelayMs: number
  notifyOnRecovery: boolean
  realertEveryMs: number | null
  exclusive: boolean
  leaseMs: number
  host: string | null
  logger: Logger
  /** Never throws. */
  onInternalError: (error: Error) => void
  now: () => Date
}

/** Parsed options, with the store bounded and every user callback fenced (runtime.ts). */
export function resolveOptions(input: WithFailureAlertingOptions): ResolvedOptions {
  const options = parseOptions(withFailureAlertingOptionsSchema, input, 'withFailureAlerting options')
  const { lock, ...rest } = options
  return {
    ...rest,
    ...resolveRuntime(options),
    onInternalError: fenceHook(options.onInternalError),
    exclusive: lock !== false,
    // An unlocked run still has a lease: it is how a crashed run gets closed as abandoned.
    leaseMs: typeof lock === 'object' ? lock.leaseMs : DEFAULT_LEASE_MS,
  }
}
