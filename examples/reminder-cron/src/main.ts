import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { type Db, fromPg, fromPglite } from './db.js'
import { createEmbeddedMonitoring } from './monitoring.js'
import { runScenario } from './scenario.js'

// Embedded PGlite by default; DATABASE_URL runs the same scenario against a real (empty) database.
const url = process.env.DATABASE_URL
let db: Db
let close: () => Promise<void>
if (url) {
  const pool = new pg.Pool({ connectionString: url })
  db = fromPg(pool)
  close = () => pool.end()
  console.log('Using the PostgreSQL database at DATABASE_URL.')
} else {
  const pglite = await PGlite.create()
  db = fromPglite(pglite)
  close = () => pglite.close()
  console.log('Using an embedded PGlite database (set DATABASE_URL to use a real one).')
}

const monitoring = createEmbeddedMonitoring({
  info: (message) => console.log(`\nALERT (recovered): ${message}\n`),
  warn: (message) => console.log(`\nALERT: ${message}\n`),
  error: (message, event) => console.log(`\nALERT: ${message}\n${JSON.stringify(event, null, 2)}\n`),
})

try {
  const { runs, deliveriesByKey } = await runScenario({ db, monitoring })
  const duplicates = [...deliveriesByKey.values()].filter((count) => count > 1).length
  console.log(`\nThe push service received ${deliveriesByKey.size} distinct reminders, ${duplicates} more than once.`)
  console.log('\nExecution log, newest first:')
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
  await close()
}
