import { parseArgs } from 'node:util'
import type { Database } from '@cronwarden/supabase-adapter'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { type Db, fromPg } from '../supabase/functions/_shared/db.ts'
import { createVaultSlackNotifier } from '../supabase/functions/_shared/monitoring.ts'
import { ensureSlackWebhookSecret } from './monitoring-setup.js'
import { fromPglite } from './pglite-db.js'
import { runScenario } from './scenario.js'
import { startSlackSink } from './slack-sink.js'

const usage = 'Usage: pnpm example [-- --json]   (--json also prints each alert’s raw Block Kit payload)'

// pnpm forwards `pnpm example -- --json` with the `--` kept, so a lone `--` is not the end of options here.
let showBlockKit: boolean
try {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: { json: { type: 'boolean', default: false } },
  })
  showBlockKit = values.json
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`)
  process.exit(2)
}

// Embedded PGlite by default; DATABASE_URL runs the same scenario against a real (empty) database.
const url = process.env.DATABASE_URL
let client: Database
let db: Db
let close: () => Promise<void>
if (url) {
  const pool = new pg.Pool({ connectionString: url })
  // An idle connection the server ends (a restart, an admin) must not end the example.
  pool.on('error', (error) => console.error(`PostgreSQL connection lost: ${error.message}`))
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

// A local stand-in for the ops channel's incoming webhook; the scenario shows what it receives.
const slack = await startSlackSink()

try {
  const secret = await ensureSlackWebhookSecret(db, slack.url)
  console.log(
    secret === 'created'
      ? 'Alerts go to a local Slack webhook whose URL is kept in Vault (a local stand-in of Supabase Vault where none exists).'
      : 'Alerts go to the Slack webhook already stored in Vault as ops_slack_webhook_url.',
  )
  console.log('The cron runs daily at 06:00 UTC; here four days pass in seconds, on a simulated clock.')
  await runScenario({ db, notifiers: [createVaultSlackNotifier(client)], opsChannel: slack, showBlockKit })
  if (!showBlockKit) console.log('\nAdd --json (pnpm example -- --json) to also see the raw Block Kit payload.')
} catch (error) {
  console.error(`The example stopped: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await slack.close()
  await close()
}
