import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { fromPg } from '../supabase/functions/_shared/db.ts'
import { createHttpReminderSender } from '../supabase/functions/_shared/http-reminder-sender.ts'
import { createReminderDispatchService } from '../supabase/functions/_shared/reminder-dispatch-service.ts'
import { exitWithParent } from './children.js'
import { naiveDispatch } from './naive-dispatch.js'

// One measured dispatch run in a process of its own, so its peak RSS is its own.
exitWithParent()
const [kind, databaseUrl, sinkUrl, nowIso] = process.argv.slice(2) as [string, string, string, string]
const now = new Date(nowIso)
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
// Without a listener, an idle connection the server ends (the parent drops this database
// when the bench fails) is an uncaught 'error' that kills the process mid-report.
pool.on('error', (error) => console.error(`bench phase: connection lost: ${error.message}`))
const db = fromPg(pool)

const started = performance.now()
let sent: number
if (kind === 'idle') {
  // The same process with the same modules loaded, sending nothing: the RSS floor.
  sent = 0
} else if (kind === 'naive') {
  sent = await naiveDispatch(db, sinkUrl, now, 'bench-naive')
} else {
  const sender = createHttpReminderSender({ url: sinkUrl, connections: 50 })
  const summary = await createReminderDispatchService({
    db,
    sender,
    now: () => now,
    batchSize: 1_000,
    concurrency: 50,
  }).run({ runId: 'bench' })
  if (summary.failed > 0) throw new Error(`bench run had failures: ${summary.first_error}`)
  sent = summary.sent
  await sender.close()
}
const elapsedMs = performance.now() - started
await pool.end()
// maxRSS is in kilobytes. Exit once sent: the 'disconnect' listener keeps the IPC channel open.
process.send?.({ sent, elapsedMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }, () => process.exit(0))
