// Supabase Edge Function (Deno): delivers the reminder cron's alerts that are still owed,
// invoked every minute by pg_cron through pg_net (see ../../schedule.sql). The reminder
// job runs daily, so without this an alert whose caller died, or whose Slack call failed,
// would wait a day for the job's next call.
//
//   supabase functions deploy alert-sweeper
import pg from 'pg'
import { sweepAlerts } from '../../../src/alert-sweeper.ts'
import { createSupabaseMonitoring } from '../../../src/monitoring.ts'

const databaseUrl = Deno.env.get('SUPABASE_DB_URL')
if (!databaseUrl) throw new Error('SUPABASE_DB_URL must be set')

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
// The same store and Slack notifier (webhook URL read from Vault at send time) as
// reminder-dispatch, so the sweeper owes and sends exactly what the job would.
const monitoring = createSupabaseMonitoring(pool)

Deno.serve(async () => {
  try {
    const sent = await sweepAlerts(monitoring)
    return Response.json({ ok: true, sent: sent.length })
  } catch (error) {
    // Whatever was not delivered stays pending for the next minute's sweep.
    return Response.json({ ok: false, error: error instanceof Error ? error.message : String(error) }, { status: 500 })
  }
})
