import type { Database } from '@cronwarden/supabase-adapter'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { type Db, fromPg, fromPglite } from './db.js'
import { createSupabaseMonitoring, ensureSlackWebhookSecret, prepareMonitoringSchema } from './monitoring.js'
import { runScenario } from './scenario.js'
import { startSlackSink } from './slack-sink.js'

// Embedded PGlite by default; DATABASE_URL runs the same scenario against a real (empty) database.
const url = process.env.DATABASE_URL
let client: Database
let db: Db
let close: () => Promise<void>
if (url) {
  const pool = new pg.Pool({ connectionString: url })
  client = pool
  db = fromPg(pool)
  close = () => pool.end()
  console.log('Using the PostgreSQL database at DATABASE_URL.')
} else {
  const pglite = await PGlite.create()
  client = pglite
  db = fromPglite(pglite)
  close = () => pglite.close()
  console.log('Using an embedded PGlite database (set DATABASE_URL to use a real one).')
}

// A local stand-in for the ops channel's incoming webhook: it prints what Slack would show.
const slack = await startSlackSink((message) => {
  console.log(`\nSLACK ALERT received by the local webhook: ${String(message.text)}`)
  console.log(JSON.stringify(message.blocks, null, 2))
})

try {
  await prepareMonitoringSchema(client)
  const secret = await ensureSlackWebhookSecret(db, slack.url)
  console.log(
    secret === 'created'
      ? 'Alerts go to a local Slack webhook whose URL is kept in Vault (a local stand-in of Supabase Vault where none exists).'
      : 'Alerts go to the Slack webhook already stored in Vault as ops_slack_webhook_url.',
  )
  const { runs, deliveriesByKey } = await runScenario({ db, monitoring: createSupabaseMonitoring(client) })
  const duplicates = [...deliveriesByKey.values()].filter((count) => count > 1).length
  console.log(`\nThe push service received ${deliveriesByKey.size} distinct reminders, ${duplicates} more than once.`)
  console.log('\nExecution log (cronwarden.cron_execution_logs), newest first:')
  console.table(
    runs.map((run) => ({
      status: run.status,
      consecutive_failure_count: run.consecutive_failure_count,
      summary: run.summary ? JSON.stringify(run.summary) : null,
      error_message: run.error_message,
      alerts: run.deliveries
        .map((delivery) => `${delivery.event_type} via ${delivery.notifier}: ${delivery.status}`)
        .join(', '),
    })),
  )
} catch (error) {
  console.error(`The example stopped: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await slack.close()
  await close()
}
