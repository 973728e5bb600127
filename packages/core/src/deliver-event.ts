import type { AlertEvent } from './alert-event.js'
import { dispatchEvent } from './dispatch.js'
import { StoreError } from './errors.js'
import type { Logger } from './logger.js'
import type { ExecutionLogStore, Notifier } from './ports.js'

export interface DeliverEventOptions {
  store: ExecutionLogStore
  notifiers: readonly Notifier[]
  notifyTimeoutMs: number
  now: () => Date
  logger: Logger
  /** Gets bookkeeping failures (the deliveries could not be stored). */
  reportInternal: (error: Error) => void
}

/**
 * Delivers one decided event to every notifier, logs each outcome and stores the outcomes
 * on the run the event is about, so no decided alert vanishes without a trace. Never rejects.
 */
export async function deliverEvent(event: AlertEvent, options: DeliverEventOptions): Promise<void> {
  const { notifiers, notifyTimeoutMs, now, store, logger } = options
  if (notifiers.length === 0) {
    logger.warn('alert decided but no notifiers are configured', { event })
    return
  }
  const deliveries = await dispatchEvent(event, { notifiers, timeoutMs: notifyTimeoutMs, now })
  for (const delivery of deliveries) {
    const fields = { job_name: event.job_name, run_id: event.run_id, ...delivery }
    if (delivery.status === 'delivered') logger.info('alert delivered', fields)
    else logger.error('alert delivery failed', fields)
  }
  try {
    await store.recordDeliveries(event.run_id, deliveries)
  } catch (cause) {
    options.reportInternal(new StoreError('recordDeliveries', { cause }))
  }
}
