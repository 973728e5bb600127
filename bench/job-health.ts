// Benchmark of the reads an operator makes across the whole fleet, against the real server.
// Prints medians and ratios measured side by side in one run (interleaved rounds), never
// asserted in tests (test/query-plans.test.ts asserts the plans).
//
//   pnpm bench:health       (needs PostgreSQL at CRONWARDEN_TEST_DATABASE_URL or 127.0.0.1:5432)
//
// A database of its own, seeded with generate_series: 1,000,000 runs of 1,000 jobs over 90 days
// (every status), a state row per job, a run still running in every 50th job (counted in
// open_runs / open_since, half of them with an expired lease), and 50,000 alert entries
// (pending, retrying, expired, delivered), then VACUUM ANALYZE. Measured, on one postgres.js
// connection with `prepare: false`, in interleaved rounds:
//   (h)  readJobHealth over every job, end to end (the call, the JSON, the records);
//   (h') the same SQL call, its result as text: the server's share of (h);
//   (s0) the stuck-runs query the README used to give: every row read for status = 'running'
//        (a sequential scan of the log: the baseline);
//   (s1) the README's stuck-runs query now, through each job's open_runs / open_since;
//   (f)  the README's failures in the last 24 hours, through the BRIN index on started_at.
// Then the plan job_health ran with, from auto_explain with ANALYZE.
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { migrate, readJobHealth } from '@cronwarden/supabase-adapter'
import postgres from 'postgres'
import { fleetSeedStatements } from '../packages/supabase-adapter/test/support/fleet-seed.js'
import {
  formatPlan,
  type NoticeClient,
  nestedPlans,
  readmeQuery,
  scansOf,
} from '../packages/supabase-adapter/test/support/query-plans.js'

const serverUrl = process.env.CRONWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const rounds = Number(process.env.BENCH_ROUNDS ?? 25)
const seed = {
  runs: Number(process.env.BENCH_HEALTH_RUNS ?? 1_000_000),
  jobs: Number(process.env.BENCH_HEALTH_JOBS ?? 1_000),
  days: 90,
  runningEvery: 50,
  alerts: 50_000,
  alertDays: 90,
}

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
const dbName = `cw_bench_health_${randomBytes(4).toString('hex')}`
const databaseUrl = (() => {
  const url = new URL(serverUrl)
  url.pathname = `/${dbName}`
  return url.toString()
})()
await admin.unsafe(`create database ${dbName}`)

try {
  // One connection whose notices go to whoever listens: auto_explain reports plans as notices.
  const listeners = new Set<(notice: { message?: string }) => void>()
  const sql = postgres(databaseUrl, {
    prepare: false,
    max: 1,
    onnotice: (notice) => {
      for (const listener of listeners) listener(notice)
    },
  })
  await migrate(sql)
  const seedStart = performance.now()
  for (const statement of fleetSeedStatements(seed)) await sql.unsafe(statement)
  const [size] = await sql.unsafe(
    `select (select count(*) from cronwarden.cron_execution_logs)::int as runs,
            (select count(*) from cronwarden.cron_job_state)::int as jobs,
            (select count(*) from cronwarden.cron_job_state where open_runs > 0)::int as running,
            (select count(*) from cronwarden.cron_alerts)::int as alerts,
            pg_size_pretty(pg_relation_size('cronwarden.cron_execution_logs')) as log_size,
            pg_size_pretty(pg_relation_size('cronwarden.cron_execution_logs_started_brin')) as brin_size,
            pg_size_pretty(pg_relation_size('cronwarden.cron_execution_logs_job_started_idx')) as job_index_size`,
  )
  console.log(
    `seeded ${size?.runs} runs of ${size?.jobs} jobs over ${seed.days} days (${size?.running} running), ` +
      `${size?.alerts} alert entries in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; ` +
      `log ${size?.log_size}, BRIN on started_at ${size?.brin_size}, (job_name, started_at) index ${size?.job_index_size}`,
  )

  const stuckBefore = `select job_name, run_id, started_at, lease_expires_at, host
    from cronwarden.cron_execution_logs where status = 'running'`
  const stuckNow = await readmeQuery('Anything stuck right now')
  const failures = await readmeQuery('Failures in the last 24 hours')
  let jobsRead = 0
  let stuckFound = 0
  const variants: Record<string, () => Promise<unknown>> = {
    'h: readJobHealth, all jobs': async () => {
      jobsRead = (await readJobHealth({ db: sql })).length
    },
    "h': job_health() as text": () => sql.unsafe('select cronwarden.job_health()::text as health'),
    's0: stuck by status (old)': () => sql.unsafe(stuckBefore),
    's1: stuck via open_runs': async () => {
      stuckFound = (await sql.unsafe(stuckNow)).length
    },
    'f: failures in 24 h': () => sql.unsafe(failures),
  }
  const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]))
  for (const run of Object.values(variants)) for (let i = 0; i < 3; i++) await run() // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now()
      await run()
      samples.get(name)?.push(performance.now() - start)
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y)
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
  }
  const medians = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]))
  console.log(`latency, one connection, ${rounds} interleaved rounds (median)`)
  for (const [name, value] of Object.entries(medians)) console.log(`  ${name.padEnd(28)} ${value.toFixed(2)} ms`)
  const baseline = medians['s0: stuck by status (old)'] ?? Number.NaN
  const health = medians['h: readJobHealth, all jobs'] ?? Number.NaN
  console.log(`  readJobHealth read ${jobsRead} jobs; the stuck query found ${stuckFound} running runs`)
  console.log(`  ratio s1/s0 = ${((medians['s1: stuck via open_runs'] ?? Number.NaN) / baseline).toFixed(3)}`)
  console.log(`  ratio f/s0  = ${((medians['f: failures in 24 h'] ?? Number.NaN) / baseline).toFixed(3)}`)
  console.log(
    `  ratio h/s0  = ${(health / baseline).toFixed(3)}  (h: ${jobsRead} jobs x 20 runs, s0: one scan of the log)`,
  )
  const serverShare = (medians["h': job_health() as text"] ?? Number.NaN) / health
  console.log(`  ratio h'/h  = ${serverShare.toFixed(3)}  (the rest of h: parsing the JSON, ISO times in Node)`)
  console.log(`  readJobHealth ${health.toFixed(1)} ms  (target < 100 ms)`)

  const client: NoticeClient = {
    query: async (text) => ({ rows: [...(await sql.unsafe(text))] }),
    on: (_event, listener) => listeners.add(listener),
    off: (_event, listener) => listeners.delete(listener),
  }
  const { plans } = await nestedPlans(client, 'select cronwarden.job_health()', { analyze: true })
  const inner = plans.find((logged) => logged.query.includes('cron_job_state as job'))
  if (inner) {
    console.log('plan of cronwarden.job_health(), from auto_explain with ANALYZE:')
    for (const line of formatPlan(inner.plan)) console.log(`  ${line}`)
    console.log(`  reads of cron_execution_logs: ${scansOf(inner.plan, 'cron_execution_logs').join('; ')}`)
  }
  await sql.end()
} finally {
  await admin.unsafe(`drop database if exists ${dbName} with (force)`)
  await admin.end()
}
