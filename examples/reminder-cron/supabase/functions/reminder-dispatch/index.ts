// Supabase Edge Function (Deno): one run of the reminder cron, invoked by pg_cron through
// pg_net (see ../../schedule.sql). The same composition as the Node worker. Everything it
// imports lives under supabase/functions, so a deploy uploads all it needs.
//
//   supabase secrets set REMINDER_SERVICE_URL=https://push.example.org/v1/reminders
//   supabase functions deploy reminder-dispatch --no-verify-jwt
//
// Only the scheduler may start a run: the secret pg_cron sends in x-cron-secret (kept in
// Vault as reminder_cron_secret, read here per call), or a service_role token. The function
// checks that itself, so the gateway's verify_jwt is off (pg_cron sends no JWT).
import { vaultSecret } from '@cronwarden/supabase-adapter'
import pg from 'pg'
import { createReminderCron } from '../_shared/compose.ts'
import { CRON_SECRET_NAME, createCronEndpoint } from '../_shared/cron-endpoint.ts'
import { fromPg } from '../_shared/db.ts'
import { createHttpReminderSender } from '../_shared/http-reminder-sender.ts'
import { createSupabaseMonitoring } from '../_shared/monitoring.ts'

const databaseUrl = Deno.env.get('SUPABASE_DB_URL')
const supabaseUrl = Deno.env.get('SUPABASE_URL')
const serviceUrl = Deno.env.get('REMINDER_SERVICE_URL')
if (!databaseUrl || !supabaseUrl || !serviceUrl) {
  throw new Error('SUPABASE_DB_URL, SUPABASE_URL and REMINDER_SERVICE_URL must be set')
}
const jwtSecret = Deno.env.get('LEGACY_JWT_SECRET')

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
const sender = createHttpReminderSender({ url: serviceUrl, connections: 20 })
// The execution log lives in Postgres (an isolate forgets everything between calls), and
// alerts go to Slack through the webhook URL kept in Vault as ops_slack_webhook_url. Apply
// @cronwarden/supabase-adapter's migrations at deploy time (they ship as plain SQL files).
const runReminders = createReminderCron({
  db: fromPg(pool),
  sender,
  ...createSupabaseMonitoring(pool),
  host: 'edge:reminder-dispatch',
})

Deno.serve(
  createCronEndpoint({
    run: async () => ({ summary: await runReminders() }),
    cronSecret: vaultSecret(pool, CRON_SECRET_NAME),
    supabaseUrl,
    ...(jwtSecret ? { jwtSecret } : {}),
  }),
)
