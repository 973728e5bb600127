import { type Database, migrate } from '@cronwarden/supabase-adapter'
import { supabaseVaultSql } from '../../../test-support/supabase-vault.js'
import type { Db } from '../supabase/functions/_shared/db.ts'
import { SLACK_WEBHOOK_SECRET } from '../supabase/functions/_shared/monitoring.ts'

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
    await db.exec(await supabaseVaultSql())
  }
  const existing = await db.query('select 1 from vault.decrypted_secrets where name = $1', [SLACK_WEBHOOK_SECRET])
  if (existing.rows.length > 0) return 'existing'
  await db.query(`select vault.create_secret($1, $2, 'cronwarden alerts (reminder-cron example)')`, [
    webhookUrl,
    SLACK_WEBHOOK_SECRET,
  ])
  return 'created'
}
