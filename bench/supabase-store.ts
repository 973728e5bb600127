// Benchmark of the Postgres execution log against the real server. Prints medians and
// ratios measured side by side in one run (interleaved rounds), never asserted in tests.
//
//   pnpm bench:store        (needs PostgreSQL at CRONWARDEN_TEST_DATABASE_URL or 127.0.0.1:5432)
//
// (a) a no-op job wrapped by withFailureAlerting with this store (lease on, 2 round trips);
// (a') a failing run through the store that writes an alert entry with its transition (the
//     same 2 round trips: the entry is written inside finish_run);
// (b) the naive recipe of counting from the previous row: insert a running row, read the previous row's count with
//     ORDER BY started_at DESC LIMIT 1 OFFSET 1, update the row (3 round trips, racy);
// (c) the floor of durable work: two single-row INSERT commits.
//
// Every statement of every variant goes out in one round trip: with `prepare: false`,
// postgres.js needs two for a query with bind parameters, so (b) and (c) write their few
// values into the text, as the store does with its arguments.
//
// Then: server CPU per run as one job's history grows to 1k, 10k and 100k rows, with the
// functions' plans cached while the table was nearly empty (a plan that reads the job's runs
// to find one would grow with the history), and throughput through a pool.
import { randomBytes, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { type AlertSpec, type ExecutionLogStore, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createSupabaseStore, migrate } from '@cronwarden/supabase-adapter'
import postgres from 'postgres'

const serverUrl = process.env.CRONWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const rounds = Number(process.env.BENCH_ROUNDS ?? 15)
const runsPerRound = Number(process.env.BENCH_RUNS ?? 200)

const historyRuns = Number(process.env.BENCH_HISTORY_RUNS ?? 400)

/** What an entry-writing finish is given: one notifier, as a wrapper with one channel passes. */
const alertSpec: AlertSpec = {
  policy: { failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null },
  notifiers: ['slack'],
  ttlMs: 24 * 3_600_000,
  claimMs: 10_000,
}

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
const dbName = `cw_bench_${randomBytes(4).toString('hex')}`
const historyDbName = `${dbName}_history`
const databaseUrl = (name: string) => {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}
await admin.unsafe(`create database ${dbName}`)
await admin.unsafe(`create database ${historyDbName}`)

try {
  const single = postgres(databaseUrl(dbName), { prepare: false, max: 1, onnotice: () => {} })
  await migrate(single)
  await single.unsafe(`
    create table naive_cron_execution_logs (
      id bigint generated always as identity primary key,
      job_name text not null,
      status text not null,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      error_message text,
      consecutive_failure_count integer
    );
    create index on naive_cron_execution_logs (started_at desc);
    create table floor_writes (id bigint generated always as identity primary key, run_id text, at timestamptz default now());
  `)

  const store = createSupabaseStore({ db: single })
  const wrapped = withFailureAlerting(async () => undefined, {
    jobName: 'bench-wrapped',
    store,
    logger: silentLogger,
  })

  const variants: Record<string, () => Promise<unknown>> = {
    'a: cronwarden store': () => wrapped(),
    "a': failing + alert entry": () => failWithAlertEntry(store, 'bench-alerting'),
    'b: naive recipe': async () => {
      const [row] = await single.unsafe(
        `insert into naive_cron_execution_logs (job_name, status) values ('bench-naive', 'running') returning id`,
      )
      const [previous] = await single.unsafe(
        'select consecutive_failure_count from naive_cron_execution_logs order by started_at desc limit 1 offset 1',
      )
      const count = Number(previous?.consecutive_failure_count ?? 0)
      await single.unsafe(
        `update naive_cron_execution_logs set status = 'succeeded', finished_at = now(),
           consecutive_failure_count = ${count * 0} where id = ${Number(row?.id)}`,
      )
    },
    'c: two INSERT commits': async () => {
      const runId = randomUUID()
      await single.unsafe(`insert into floor_writes (run_id) values ('${runId}')`)
      await single.unsafe(`insert into floor_writes (run_id) values ('${runId}')`)
    },
  }

  // Latency on a shared machine swings with the disk's fsync times; the CPU the server
  // process spends per run is steadier, so it is printed too when the server is local.
  const [backend] = await single.unsafe('select pg_backend_pid() as pid')
  const serverCpu = serverCpuReader(Number(backend?.pid))

  const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]))
  const cpuTicks = new Map<string, number>(Object.keys(variants).map((name) => [name, 0]))
  for (const run of Object.values(variants)) for (let i = 0; i < 50; i++) await run() // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const cpuBefore = await serverCpu()
      for (let i = 0; i < runsPerRound; i++) {
        const start = performance.now()
        await run()
        samples.get(name)?.push(performance.now() - start)
      }
      cpuTicks.set(name, (cpuTicks.get(name) ?? 0) + ((await serverCpu()) - cpuBefore))
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y)
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
  }
  const medians = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]))
  console.log(`per-run latency, one connection, ${rounds} interleaved rounds x ${runsPerRound} runs`)
  for (const [name, value] of Object.entries(medians)) console.log(`  ${name.padEnd(24)} median ${value.toFixed(3)} ms`)
  const a = medians['a: cronwarden store'] ?? Number.NaN
  const aAlert = medians["a': failing + alert entry"] ?? Number.NaN
  const b = medians['b: naive recipe'] ?? Number.NaN
  const c = medians['c: two INSERT commits'] ?? Number.NaN
  console.log(`  ratio a/b = ${(a / b).toFixed(2)}  (target <= 1.00)`)
  console.log(`  ratio a/c = ${(a / c).toFixed(2)}  (target <= 1.45)`)
  console.log(`  ratio a'/a = ${(aAlert / a).toFixed(2)}  (target <= 1.10)`)
  if (Number.isFinite(await serverCpu())) {
    const perRun = (name: string) => ((cpuTicks.get(name) ?? 0) * 10_000) / (rounds * runsPerRound) // ticks are 10 ms
    console.log("server CPU per run (the backend's utime + stime from /proc, fsync work included)")
    for (const name of Object.keys(variants)) console.log(`  ${name.padEnd(24)} ${perRun(name).toFixed(0)} us`)
    console.log(`  ratio a/b = ${(perRun('a: cronwarden store') / perRun('b: naive recipe')).toFixed(2)}`)
    console.log(`  ratio a/c = ${(perRun('a: cronwarden store') / perRun('c: two INSERT commits')).toFixed(2)}`)
    console.log(`  ratio a'/a = ${(perRun("a': failing + alert entry") / perRun('a: cronwarden store')).toFixed(2)}`)
  }
  await single.end()

  await historyPhase(databaseUrl(historyDbName))

  // Throughput: 50 jobs x 40 runs through a pool of 10 connections.
  const pool = postgres(databaseUrl(dbName), { prepare: false, max: 10, onnotice: () => {} })
  const pooled = createSupabaseStore({ db: pool })
  const jobs = Array.from({ length: 50 }, (_, index) =>
    withFailureAlerting(async () => undefined, { jobName: `throughput-${index}`, store: pooled, logger: silentLogger }),
  )
  await Promise.all(jobs.map((job) => job())) // connect the pool
  const start = performance.now()
  await Promise.all(
    jobs.map(async (job) => {
      for (let i = 0; i < 40; i++) await job()
    }),
  )
  const seconds = (performance.now() - start) / 1000
  const [finished] = await pool`
    select count(*)::int as n from cronwarden.cron_execution_logs where job_name like 'throughput-%' and status = 'succeeded'`
  console.log(`throughput: ${finished?.n} finished runs (50 jobs x 40 runs + warm-up) through 10 connections`)
  console.log(`  ${(2000 / seconds).toFixed(0)} runs/s  (target >= 1700)`)
  await pool.end()
} finally {
  await admin.unsafe(`drop database if exists ${dbName} with (force)`)
  await admin.unsafe(`drop database if exists ${historyDbName} with (force)`)
  await admin.end()
}

/** Begin, then fail with an alert spec: finish_run writes the entry with the transition. */
async function failWithAlertEntry(store: ExecutionLogStore, jobName: string): Promise<void> {
  const runId = randomUUID()
  await store.beginRun({ jobName, runId, leaseMs: 60_000, exclusive: true, host: null, alert: alertSpec })
  await store.finishRun({ jobName, runId, status: 'failed', errorMessage: 'down', summary: null, alert: alertSpec })
}

/**
 * Server CPU per run (begin + finish) of one job at 1k, 10k and 100k rows of its history, on
 * one connection whose functions cached their plans while the table was nearly empty. Flat
 * figures mean every lookup of a run goes by its primary key, whatever the job's history.
 */
async function historyPhase(url: string): Promise<void> {
  const sql = postgres(url, { prepare: false, max: 1, onnotice: () => {} })
  try {
    await migrate(sql)
    // No ANALYZE midway: new statistics would replan the cached statements, and the plans
    // made on the nearly empty table are what is measured.
    await sql.unsafe('alter table cronwarden.cron_execution_logs set (autovacuum_enabled = false)')
    const store = createSupabaseStore({ db: sql })
    const jobName = 'bench-history'
    const oneRun = async () => {
      const runId = randomUUID()
      await store.beginRun({ jobName, runId, leaseMs: 60_000, exclusive: true, host: null, alert: null })
      await store.finishRun({ jobName, runId, status: 'succeeded', errorMessage: null, summary: null, alert: null })
    }
    for (let i = 0; i < 40; i++) await oneRun() // PL/pgSQL caches its plans after a few calls
    const [backend] = await sql.unsafe('select pg_backend_pid() as pid')
    const serverCpu = serverCpuReader(Number(backend?.pid))

    const figures: Array<{ rows: number; cpuUs: number; latencyMs: number }> = []
    for (const target of [1_000, 10_000, 100_000]) {
      await sql.unsafe(`
        insert into cronwarden.cron_execution_logs
          (run_id, job_name, status, started_at, finished_at, duration_ms, consecutive_failure_count)
        select 'history-' || n, '${jobName}', 'succeeded', now() - n * interval '1 second',
               now() - n * interval '1 second', 0, 0
        from generate_series(
          (select count(*) from cronwarden.cron_execution_logs where job_name = '${jobName}') + 1, ${target}
        ) as n`)
      const cpuBefore = await serverCpu()
      const start = performance.now()
      for (let i = 0; i < historyRuns; i++) await oneRun()
      const latencyMs = (performance.now() - start) / historyRuns
      figures.push({ rows: target, cpuUs: (((await serverCpu()) - cpuBefore) * 10_000) / historyRuns, latencyMs })
    }
    console.log(
      `server CPU per run as one job's history grows (plans cached on a nearly empty table, ${historyRuns} runs each)`,
    )
    for (const { rows, cpuUs, latencyMs } of figures) {
      console.log(
        `  ${String(rows).padStart(7)} rows  ${cpuUs.toFixed(0).padStart(5)} us CPU  ${latencyMs.toFixed(3)} ms mean latency`,
      )
    }
    const first = figures[0]
    const last = figures[figures.length - 1]
    if (first && last) {
      console.log(
        `  ratio 100k/1k = ${(last.cpuUs / first.cpuUs).toFixed(2)} CPU, ${(last.latencyMs / first.latencyMs).toFixed(2)} latency`,
      )
    }
  } finally {
    await sql.end()
  }
}

/**
 * Clock ticks (1/100 s) of CPU a local backend has used, or NaN when /proc cannot tell: no
 * /proc, or the pid is not a local postgres process (the server runs elsewhere).
 */
function serverCpuReader(pid: number): () => Promise<number> {
  return async () => {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      // "pid (comm) state ...": the command name is in parentheses and may contain spaces.
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') return Number.NaN
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return Number(fields[11]) + Number(fields[12]) // utime, stime
    } catch {
      return Number.NaN
    }
  }
}
