// Supabase Edge Function (Deno): one run of the reminder cron, invoked by pg_cron through
// pg_net (see ../../schedule.sql). The same composition as the Node worker.
//
//   supabase secrets set REMINDER_SERVICE_URL=https://push.example.org/v1/reminders
//   supabase functions deploy reminder-dispatch
import pg from 'pg'
import { createReminderCron } from '../../../src/compose.ts'
import { fromPg } from '../../../src/db.ts'
import { createHttpReminderSender } from '../../../src/http-reminder-sender.ts'
import { createSupabaseMonitoring } from '../../../src/monitoring.ts'

const databaseUrl = Deno.env.get('SUPABASE_DB_URL')
const serviceUrl = Deno.env.get('REMINDER_SERVICE_URL')
if (!databaseUrl || !serviceUrl) throw new Error('SUPABASE_DB_URL and REMINDER_SERVICE_URL must be set')

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
const db = fromPg(pool)
const sender = createHttpReminderSender({ url: serviceUrl, connections: 20 })
// The execution log lives in Postgres (an isolate forgets everything between calls), and
// alerts go to Slack through the webhook URL kept in Vault as ops_slack_webhook_url. Apply
// @cronwarden/supabase-adapter's migrations at deploy time (they ship as plain SQL files).
const runReminders = createReminderCron({
  db,
  sender,
  ...createSupabaseMonitoring(pool),
  host: 'edge:reminder-dispatch',
})

Deno.serve(async () => {
  try {
    const summary = await runReminders()
    return Response.json({ ok: true, summary })
  } catch (error) {
    // The run is already recorded (and alerted on); the caller only needs to know it failed.
    return Response.json({ ok: false, error: error instanceof Error ? error.message : String(error) }, { status: 500 })
  }
})
