import pg from 'pg'
import { fromPg } from '../../supabase/functions/_shared/db.ts'
import { createHttpReminderSender } from '../../supabase/functions/_shared/http-reminder-sender.ts'
import { createReminderDispatchService } from '../../supabase/functions/_shared/reminder-dispatch-service.ts'

// One dispatch run in a process of its own, for tests that kill a worker mid-run.
const [databaseUrl, sinkUrl, nowIso] = process.argv.slice(2) as [string, string, string]
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
const sender = createHttpReminderSender({ url: sinkUrl })
await createReminderDispatchService({ db: fromPg(pool), sender, now: () => new Date(nowIso) }).run({
  runId: `worker-${process.pid}`,
})
await sender.close()
await pool.end()
