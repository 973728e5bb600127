import { z } from 'zod'
import type { AlertEvent } from './alert-event.js'
import { createAlertPipeline } from './alert-pipeline.js'
import type { Logger } from './logger.js'
import { checkUniqueNotifierNames, dispatchOptionsShape, STORE_METHODS } from './options.js'
import { parseOptions } from './parse-options.js'
import type { ExecutionLogStore, Notifier } from './ports.js'
import { resolveRuntime } from './runtime.js'
import { nameSchema, objectWithMethods, schemaMatches } from './schema-helpers.js'

/** Options of `deliverPendingAlerts`; unknown keys are an error. */
export interface DeliverPendingAlertsOptions {
  /** The store whose owed alert entries are delivered. */
  store: ExecutionLogStore
  /** The notifiers this sweeper has; entries owed to others stay pending for a sweeper that has them. */
  notifiers?: Notifier[]
  /** Only these jobs' alerts. Default: every job's. */
  jobs?: string[]
  /** Per notifier and event. Default 5000. */
  notifyTimeoutMs?: number
  /** Per store call; past it the sweep rejects with `StoreError`. Default 10 000. */
  storeTimeoutMs?: number
  /** Wait before retrying a failed notifier; doubles per attempt, up to 1 h. Default 30 000. */
  retryDelayMs?: number
  /** Claim and send at most this many batches of 20 entries in one call. Default 50. */
  maxBatches?: number
  /** Where deliveries and the sweeper's own failures are logged. Default: JSON lines. */
  logger?: Logger
  /**
   * The clock for delivery attempt times. Default: the system clock. Expiry and retry times
   * follow the store's clock, not this one.
   */
  now?: () => Date
}

const deliverPendingAlertsOptionsSchema = z
  .strictObject({
    store: objectWithMethods<ExecutionLogStore>(STORE_METHODS, 'an ExecutionLogStore'),
    jobs: z.array(nameSchema('job name')).min(1).optional(),
    ...dispatchOptionsShape,
    maxBatches: z.number().int().min(1).max(10_000).default(50),
  })
  .superRefine((options, ctx) => checkUniqueNotifierNames(options.notifiers, ctx))

schemaMatches<typeof deliverPendingAlertsOptionsSchema, DeliverPendingAlertsOptions>(true)

/**
 * The sweeper: delivers every alert that is still owed, whoever decided it. Run it on a
 * schedule (a minute-by-minute pg_cron job calling an Edge Function, any scheduler) so an
 * alert whose caller crashed, lost its database reply or met a channel that was down still
 * arrives. Safe to run several at once: each entry is claimed by one sweeper at a time.
 * Entries past their time to live are recorded as expired and logged, never sent. Returns
 * the events a notifier accepted; rejects with `StoreError` when the store cannot be read,
 * so a scheduler sees the sweep fail.
 */
export async function deliverPendingAlerts(input: DeliverPendingAlertsOptions): Promise<AlertEvent[]> {
  const options = parseOptions(deliverPendingAlertsOptionsSchema, input, 'deliverPendingAlerts options')
  const runtime = resolveRuntime(options)
  const pipeline = createAlertPipeline({
    ...options,
    ...runtime,
    // Entries carry their own expiry; the sweeper writes none.
    alertTtlMs: 0,
    reportInternal: (error) => runtime.logger.error('cronwarden internal error', { error }),
  })
  return pipeline.deliverPending(options.jobs ?? null, options.maxBatches)
}
