import type { ExecutionLogStore, Notifier } from '@cronwarden/core'
import { createSlackNotifier } from '@cronwarden/slack-notifier'
import { createSupabaseStore, type Database, vaultSecret } from '@cronwarden/supabase-adapter'

export interface Monitoring {
  store: ExecutionLogStore
  notifiers: Notifier[]
}

/** The Vault secret holding the ops channel's incoming-webhook URL. */
export const SLACK_WEBHOOK_SECRET = 'ops_slack_webhook_url'

/**
 * Production wiring: the execution log in Postgres next to the domain tables, and alerts to
 * Slack with the webhook URL read from Vault when an alert is sent (never at start-up, so a
 * rotated URL is picked up without a redeploy). `client` is the raw pg Pool / PGlite that the
 * cronwarden adapter takes; apply its migrations first (`prepareMonitoringSchema`).
 */
export function createSupabaseMonitoring(client: Database): Monitoring {
  return { store: createSupabaseStore({ db: client }), notifiers: [createVaultSlackNotifier(client)] }
}

/** The Slack notifier whose webhook URL is read from Vault each time an alert is sent. */
export function createVaultSlackNotifier(client: Database): Notifier {
  return createSlackNotifier({ webhookUrl: vaultSecret(client, SLACK_WEBHOOK_SECRET) })
}
