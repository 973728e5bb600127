// Supabase Edge Function (Deno): delivers the reminder cron's alerts that are still owed,
// invoked every minute by pg_cron through pg_net (see ../../schedule.sql). The reminder
// job runs daily, so without this an alert whose caller died, or whose Slack call failed,
// would wait a day for the job's next call. Everything it imports lives under
// supabase/functions, so a deploy uploads all it needs.
//
//   supabase functions deploy alert-sweeper --no-verify-jwt
//
// Callers are checked as for reminder-dispatch: the x-cron-secret pg_cron sends, or a
// service_role token.
import { vaultSecret } from '@cronwarden/supabase-adapter'
import pg from 'pg'
import { sweepAlerts } from '../_shared/alert-sweeper.ts'
import { CRON_SECRET_NAME, createCronEndpoint } from '../_shared/cron-endpoint.ts'
import { createSupabaseMonitoring } from '../_shared/monitoring.ts'

const databaseUrl = Deno.env.get('SUPABASE_DB_URL')
const supabaseUrl = Deno.env.get('SUPABASE_URL')
if (!databaseUrl || !supabaseUrl) throw new Error('SUPABASE_DB_URL and SUPABASE_URL must be set')
const jwtSecret = Deno.env.get('LEGACY_JWT_SECRET')

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
// The same store and Slack notifier (webhook URL read from Vault at send time) as
// reminder-dispatch, so the sweeper owes and sends exactly what the job would.
const monitoring = createSupabaseMonitoring(pool)

// Whatever a failed sweep did not deliver stays pending for the next minute's sweep.
Deno.serve(
  createCronEndpoint({
    run: async () => ({ sent: (await sweepAlerts(monitoring)).length }),
    cronSecret: vaultSecret(pool, CRON_SECRET_NAME),
    supabaseUrl,
    ...(jwtSecret ? { jwtSecret } : {}),
  }),
)
