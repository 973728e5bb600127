import type { AlertEvent } from './alert-event.js'
import { decideEntry } from './decide-alerts.js'
import { dispatchEvent } from './dispatch.js'
import { DeliveryError, StoreError } from './errors.js'
import type { Logger } from './logger.js'
import type {
  AlertDeliveryOutcome,
  AlertPolicy,
  AlertSpec,
  DeliveryRecord,
  ExecutionLogStore,
  Notifier,
  NotifierDeliveryState,
  PendingAlert,
} from './ports.js'

export interface AlertPipelineOptions {
  store: ExecutionLogStore
  notifiers: readonly Notifier[]
  notifyTimeoutMs: number
  alertTtlMs: number
  retryDelayMs: number
  now: () => Date
  logger: Logger
  /** Gets bookkeeping failures (an entry could not be claimed or its outcome stored). */
  reportInternal: (error: Error) => void
}

/** Entries one dispatcher claims, and sends in parallel, at a time. */
export const CLAIM_BATCH_SIZE = 20
/** Retries of a failed notifier back off by doubling, up to this. */
export const MAX_RETRY_DELAY_MS = 3_600_000

/**
 * Words used for alerts, one meaning each: an entry is **delivered** (claimed, decided, its
 * event sent to each owed notifier, the outcomes recorded: `deliver`, `deliverPending`,
 * `deliverPendingAlerts`, `cronwarden deliver`); an event is **dispatched** to several
 * notifiers at once (`dispatchEvent`); a notifier is **sent** one event (`notify`).
 *
 * The one way alerts travel, for every entry point: the store persists an entry with the
 * transition (decide later), a dispatcher holding its claim decides it with core's policy,
 * sends the event to each owed notifier it has, and records every outcome and the release
 * of the claim in one store call. A crash anywhere leaves the entry for the next dispatcher.
 */
export interface AlertPipeline {
  /** What a store writes with a transition; `null` without notifiers (nothing to deliver to). */
  spec(policy: AlertPolicy): AlertSpec | null
  /** Delivers one claimed entry. Never rejects. Returns its event if a notifier accepted it. */
  deliver(alert: PendingAlert): Promise<AlertEvent | null>
  /**
   * Claims due entries (of these jobs, or all) batch by batch and delivers them; returns the
   * events a notifier accepted. Rejects with `StoreError` only when it cannot claim at all.
   */
  deliverPending(jobNames: string[] | null, maxBatches: number): Promise<AlertEvent[]>
}

export function createAlertPipeline(options: AlertPipelineOptions): AlertPipeline {
  const { store, notifiers, logger, now } = options
  const names = notifiers.map((notifier) => notifier.name)
  // A crashed dispatcher's claim is taken over after about twice the time a send may take.
  const claimMs = 2 * options.notifyTimeoutMs

  const expire = (alert: PendingAlert, event: AlertEvent, open: NotifierDeliveryState[]): AlertDeliveryOutcome[] => {
    logger.error('alert expired before every notifier had it; it will not be sent', {
      job_name: alert.jobName,
      run_id: alert.runId,
      alert_id: alert.alertId,
      notifiers: open.map((state) => state.notifier),
      event,
    })
    const at = now().toISOString()
    return open.map((state) => ({
      notifier: state.notifier,
      event_type: event.type,
      status: 'expired',
      error_message: `not delivered before the alert expired at ${alert.expiresAt.toISOString()}`,
      attempted_at: at,
      duration_ms: 0,
      retryAfterMs: null,
    }))
  }

  const dispatch = async (event: AlertEvent, open: NotifierDeliveryState[]): Promise<AlertDeliveryOutcome[]> => {
    const attempts = new Map(open.map((state) => [state.notifier, state.attempts]))
    const targets = notifiers.filter((notifier) => attempts.has(notifier.name))
    const records = await dispatchEvent(event, { notifiers: targets, timeoutMs: options.notifyTimeoutMs, now })
    return records.map((record) => {
      logDelivery(logger, event, record)
      const retryAfterMs =
        record.status === 'delivered' ? null : retryDelay(options.retryDelayMs, attempts.get(record.notifier) ?? 0)
      return { ...record, retryAfterMs }
    })
  }

  // Recorded with its event on the run, never sent; unmuting later does not replay it.
  const mute = (alert: PendingAlert, event: AlertEvent, open: NotifierDeliveryState[]): AlertDeliveryOutcome[] => {
    logger.info('alert muted; recorded, not sent', { job_name: alert.jobName, run_id: alert.runId, event })
    const at = now().toISOString()
    return open.map((state) => ({
      notifier: state.notifier,
      event_type: event.type,
      status: 'muted',
      error_message: null,
      attempted_at: at,
      duration_ms: 0,
      retryAfterMs: null,
    }))
  }

  const settle = async (alert: PendingAlert): Promise<AlertEvent | null> => {
    const event = decideEntry(alert)
    const open = alert.notifiers.filter((state) => state.status === 'pending' || state.status === 'failed')
    let outcomes: AlertDeliveryOutcome[] = []
    if (event && alert.muted) outcomes = mute(alert, event, open)
    else if (event && alert.expired) outcomes = expire(alert, event, open)
    else if (event) outcomes = await dispatch(event, open)
    try {
      await store.recordAlertOutcome({
        alertId: alert.alertId,
        claimToken: alert.claimToken,
        eventType: event?.type ?? null,
        outcomes,
      })
    } catch (cause) {
      // The claim lapses and the next dispatcher sends again: at least once, never lost.
      options.reportInternal(new StoreError('recordAlertOutcome', { cause }))
    }
    return outcomes.some((outcome) => outcome.status === 'delivered') ? event : null
  }

  // Callers start deliveries from timers and in parallel batches: one must never reject.
  const deliver = (alert: PendingAlert): Promise<AlertEvent | null> =>
    settle(alert).catch((error: unknown) => {
      options.reportInternal(new DeliveryError(`alert ${alert.alertId} could not be delivered`, { cause: error }))
      return null
    })

  return {
    spec: (policy) => (names.length === 0 ? null : { policy, notifiers: names, ttlMs: options.alertTtlMs, claimMs }),
    deliver,
    async deliverPending(jobNames, maxBatches) {
      const sent: AlertEvent[] = []
      for (let batch = 0; batch < maxBatches; batch++) {
        let claimed: PendingAlert[]
        try {
          claimed = await store.claimAlerts({ jobNames, notifiers: names, limit: CLAIM_BATCH_SIZE, claimMs })
        } catch (cause) {
          throw new StoreError('claimAlerts', { cause })
        }
        for (const event of await Promise.all(claimed.map(deliver))) if (event) sent.push(event)
        if (claimed.length < CLAIM_BATCH_SIZE) break
      }
      return sent
    },
  }
}

function retryDelay(firstDelayMs: number, previousAttempts: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, firstDelayMs * 2 ** Math.min(previousAttempts, 30))
}

function logDelivery(logger: Logger, event: AlertEvent, record: DeliveryRecord): void {
  const fields = { job_name: event.job_name, run_id: event.run_id, ...record }
  if (record.status === 'delivered') logger.info('alert delivered', fields)
  else logger.error('alert delivery failed', fields)
}
