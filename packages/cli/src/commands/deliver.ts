import { deliverPendingAlerts } from '@cronwarden/core'
import { createCommandLogger } from '../command-logger.js'
import { type CommandContext, requireNotifiers } from '../context.js'

/**
 * One sweep of owed alerts, for a scheduler (`* * * * * cronwarden deliver`). Exit 1 when a
 * delivery failed or expired (the entry stays owed and is retried with backoff) or the store
 * could not be read, so the scheduler's own failure alerting sees a broken channel.
 */
export async function deliver(context: CommandContext, options: { verbose: boolean }): Promise<number> {
  const notifiers = requireNotifiers(context, 'deliver')
  const logger = createCommandLogger(context.out, options.verbose)
  const delivered = await deliverPendingAlerts({
    store: context.store(),
    notifiers,
    notifyTimeoutMs: context.config.notifyTimeoutMs,
    storeTimeoutMs: context.config.storeTimeoutMs,
    logger,
  })
  const { out } = context
  if (out.json) out.printJson({ delivered, errors: logger.errors })
  else {
    for (const event of delivered) out.line(`delivered ${event.type} for ${event.job_name} (run ${event.run_id})`)
    out.line(`${delivered.length} alert(s) delivered${logger.errors > 0 ? `, ${logger.errors} error(s)` : ''}.`)
  }
  return logger.errors > 0 ? 1 : 0
}
