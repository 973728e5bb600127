import { readFile } from 'node:fs/promises'
import type { ExecutionLogStore, Notifier } from '@cronwarden/core'
import { createSlackNotifier } from '@cronwarden/slack-notifier'
import { createSupabaseStore, type Database, migrate, vaultSecret } from '@cronwarden/supabase-adapter'
import type { Db } from './db.js'

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

/** cronwarden's tables and functions, in their own schema; idempotent. */
export async function prepareMonitoringSchema(client: Database): Promise<void> {
  await migrate(client)
}

/**
 * Where Supabase Vault is missing (embedded PGlite, a plain Postgres), creates a local
 * stand-in of its shape. Then stores `webhookUrl` as the Slack secret unless one exists, so a
 * real Supabase project's own webhook is never replaced. Says which happened (never the value).
 */
export async function ensureSlackWebhookSecret(db: Db, webhookUrl: string): Promise<'created' | 'existing'> {
  const { rows } = await db.query<{ present: boolean }>(`select to_regclass('vault.secrets') is not null as present`)
  if (!rows[0]?.present) {
    await db.exec(await readFile(new URL('../supabase/local/vault.sql', import.meta.url), 'utf8'))
  }
  const existing = await db.query('select 1 from vault.decrypted_secrets where name = $1', [SLACK_WEBHOOK_SECRET])
  if (existing.rows.length > 0) return 'existing'
  await db.query(`select vault.create_secret($1, $2, 'cronwarden alerts (reminder-cron example)')`, [
    webhookUrl,
    SLACK_WEBHOOK_SECRET,
  ])
  return 'created'
}
