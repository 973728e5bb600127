// Benchmark of checkPgCronRuns on a cron.job_run_details that pg_cron never purged: a job every
// minute leaves 100,000 rows in ten weeks. Prints times and ratios measured side by side in
// one run, never asserted in tests (test/pg-cron-ingest-plans.test.ts asserts what is read).
//
//   pnpm bench:pg-cron
//
// Where: the real pg_cron at CRONWARDEN_PGCRON_URL (default 127.0.0.1:5433/postgres, started
// by .ci/setup-pgcron.sh) when it answers, its bench jobs inactive and their rows inserted
// into cron.job_run_details directly, all removed at the end; otherwise (or with
// BENCH_PGCRON=fixture) tables of pg_cron's shape (test/support/pg-cron-fixture.sql) in a
// database of its own at CRONWARDEN_TEST_DATABASE_URL (default 127.0.0.1:5432). The first line
// printed says which.
//
// Seeded: 100,000 minutes of a job every minute and of a daily one (one run in 47 failed), then
// VACUUM ANALYZE. Measured, on one postgres.js connection with `prepare: false`:
//   (c)  the baseline: `select count(*) from cron.job_run_details`, one pass over the table;
//   (f)  the first checkPgCronRuns of both jobs: no history recorded, end to end;
//   (i)  an idle checkPgCronRuns (nothing new), end to end: the ingestion and the delivery;
//   (i') its ingestion alone: the SQL call cronwarden.ingest_pg_cron;
//   (o)  the same idle call of 0001's ingest_pg_cron, created in the same database under
//        another name (read from the shipped migration), reading the same cursors;
// interleaved rounds, medians. Then a backlog, the ingestion alone: 10,000 runs of another job
// recorded by 0001's function (one transaction) and by the new one from '-infinity' in
// batches of 1000 (each call a transaction, as checkPgCronRuns with `since` makes them), each
// followed by an idle call; and 30,000 by the latter, to show that the cost of a run no
// longer grows with the backlog: time, and shared buffers touched (EXPLAIN ANALYZE BUFFERS),
// which load from elsewhere on the machine does not change.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { silentLogger } from '@cronwarden/core'
import { checkPgCronRuns, migrate } from '@cronwarden/supabase-adapter'
import postgres from 'postgres'

const pgCronUrl = process.env.CRONWARDEN_PGCRON_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres'
const serverUrl = process.env.CRONWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const rounds = Number(process.env.BENCH_ROUNDS ?? 25)
const oldRounds = Number(process.env.BENCH_OLD_ROUNDS ?? 5)
const historyRows = Number(process.env.BENCH_PGCRON_ROWS ?? 100_000)
const backlogRows = Number(process.env.BENCH_BACKLOG_ROWS ?? 10_000)
const adapterDir = new URL('../packages/supabase-adapter/', import.meta.url)

const suffix = randomBytes(3).toString('hex')
const job = { minutely: `bench-minutely-${suffix}`, daily: `bench-daily-${suffix}` }
const backlog = {
  old: `bench-backlog-old-${suffix}`,
  batched: `bench-backlog-${suffix}`,
  large: `bench-large-${suffix}`,
}
const benchSchema = `cronwarden_bench_${suffix}`
const allJobs = [...Object.values(job), ...Object.values(backlog)]

/** The real pg_cron's version, or null (and why) when it cannot be used. */
async function realPgCron(): Promise<string | null> {
  if (process.env.BENCH_PGCRON === 'fixture') return null
  const probe = postgres(pgCronUrl, { max: 1, connect_timeout: 3, onnotice: () => {} })
  try {
    const [row] = await probe.unsafe(`select extversion from pg_extension where extname = 'pg_cron'`)
    return row ? String(row.extversion) : null
  } catch {
    return null
  } finally {
    await probe.end({ timeout: 1 })
  }
}

const pgCronVersion = await realPgCron()
const admin = pgCronVersion === null ? postgres(serverUrl, { max: 1, onnotice: () => {} }) : null
const dbName = `cw_bench_pgcron_${suffix}`
const databaseUrl = (() => {
  if (admin === null) return pgCronUrl
  const url = new URL(serverUrl)
  url.pathname = `/${dbName}`
  return url.toString()
})()
if (admin) await admin.unsafe(`create database ${dbName}`)
const sql = postgres(databaseUrl, { prepare: false, max: 1, onnotice: () => {} })
const where = new URL(databaseUrl)
console.log(
  pgCronVersion === null
    ? `pg_cron: imitated (test/support/pg-cron-fixture.sql) in ${dbName} at ${where.host}; the real one at ${new URL(pgCronUrl).host} was not available or BENCH_PGCRON=fixture`
    : `pg_cron: the real pg_cron ${pgCronVersion} at ${where.host}${where.pathname}, bench jobs inactive, their rows inserted into cron.job_run_details`,
)

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
const timed = async <T>(run: () => Promise<T>): Promise<[number, T]> => {
  const start = performance.now()
  const result = await run()
  return [performance.now() - start, result]
}
const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`)
const literal = (names: string[]) => `array[${names.map((name) => `'${name}'`).join(', ')}]`
const logNames = (names: string[]) => names.map((name) => `pg_cron:${name}`)

/**
 * `count` minutes of runs ending now, in runid order as pg_cron writes them: `name`'s every
 * minute, and `daily`'s (when given) every 1440th minute; one in 47 failed.
 */
async function seedRuns(name: string, count: number, daily?: string): Promise<void> {
  await sql.unsafe(`
    insert into cron.job_run_details (jobid, job_pid, database, username, command, status, return_message, start_time, end_time)
    select case when i % 1440 = 0 and ids.daily is not null then ids.daily else ids.job end,
           1000 + i % 30000, current_database(), current_user, 'select 1',
           case when i % 47 = 0 then 'failed' else 'succeeded' end,
           case when i % 47 = 0 then 'ERROR:  boom' else '1 row' end,
           now() - (${count} - i + 1) * interval '1 minute',
           now() - (${count} - i + 1) * interval '1 minute' + interval '20 milliseconds'
    from generate_series(1, ${count}) as i,
      (select max(jobid) filter (where jobname = '${name}') as job,
              max(jobid) filter (where jobname = '${daily ?? ''}') as daily
       from cron.job) as ids
    order by i`)
}

try {
  if (pgCronVersion === null) {
    await sql.unsafe(await readFile(new URL('test/support/pg-cron-fixture.sql', adapterDir), 'utf8')).simple()
  }
  await migrate(sql)
  // Inactive: pg_cron never runs them while the bench reads their rows.
  await sql.unsafe(
    `insert into cron.job (schedule, command, jobname, active)
     select '0 6 * * *', 'select 1', name, false from unnest(${literal(allJobs)}) as name`,
  )
  // 0001's function, under another name in a schema of its own, for the side-by-side calls.
  const migration0001 = await readFile(new URL('migrations/0001_execution_log.sql', adapterDir), 'utf8')
  const oldFunction = /create or replace function cronwarden\.ingest_pg_cron\([\s\S]*?\n\$\$;/.exec(migration0001)?.[0]
  if (!oldFunction) throw new Error('ingest_pg_cron not found in 0001_execution_log.sql')
  await sql.unsafe(`create schema ${benchSchema}`)
  await sql.unsafe(oldFunction.replace('cronwarden.ingest_pg_cron(', `${benchSchema}.ingest_pg_cron_0001(`))

  const [seedMs] = await timed(async () => {
    await seedRuns(job.minutely, historyRows, job.daily)
    await sql.unsafe('vacuum analyze cron.job_run_details')
  })
  const [size] = await sql.unsafe(
    `select count(*)::int as rows, pg_size_pretty(pg_total_relation_size('cron.job_run_details')) as size
     from cron.job_run_details`,
  )
  console.log(
    `cron.job_run_details: ${size?.rows} rows (${historyRows} minutes of a job every minute and a daily one), ` +
      `${size?.size}, seeded in ${ms(seedMs)}`,
  )

  const watched = [job.minutely, job.daily]
  const check = (names: string[], extra: Partial<Parameters<typeof checkPgCronRuns>[0]> = {}) =>
    checkPgCronRuns({ db: sql, jobs: names, logger: silentLogger, ...extra })
  const count = () => sql.unsafe('select count(*) from cron.job_run_details')

  const countFirst: number[] = []
  for (let i = 0; i < 5; i++) countFirst.push((await timed(count))[0])
  const [firstMs, first] = await timed(() => check(watched))
  const [cursors] = await sql.unsafe(
    `select count(*)::int as jobs from cronwarden.pg_cron_cursor c join cron.job j using (jobid)
     where j.jobname in (${watched.map((name) => `'${name}'`).join(', ')})`,
  )
  const countMs = median(countFirst)
  console.log(
    `first call, checkPgCronRuns of both jobs: ${ms(firstMs)}, recorded ${first.recorded}, cursors ${cursors?.jobs}` +
      `  (target < 5 s; baseline count(*) ${ms(countMs)}, ratio ${(firstMs / countMs).toFixed(2)})`,
  )

  const ingestCall = `select * from cronwarden.ingest_pg_cron(${literal(watched)}, ${literal(logNames(watched))}, 600000)`
  const oldCall = `select ${benchSchema}.ingest_pg_cron_0001(${literal(watched)}, ${literal(logNames(watched))}, 600000)`
  const variants: Record<string, { run: () => Promise<unknown>; rounds: number }> = {
    'c: count(*) of the table': { run: count, rounds },
    'i: idle checkPgCronRuns': { run: () => check(watched), rounds },
    "i': idle ingest_pg_cron": { run: () => sql.unsafe(ingestCall), rounds },
    "o: idle 0001's ingest_pg_cron": { run: () => sql.unsafe(oldCall), rounds: oldRounds },
  }
  const samples = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]))
  for (const { run } of Object.values(variants)) await run() // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      if (round >= variant.rounds) continue
      samples.get(name)?.push((await timed(variant.run))[0])
    }
  }
  const medians = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]))
  console.log(
    `idle calls, one connection, interleaved rounds (median; ${oldRounds} rounds of o, ${rounds} of the rest)`,
  )
  for (const [name, value] of Object.entries(medians)) console.log(`  ${name.padEnd(32)} ${ms(value)}`)
  const baseline = medians['c: count(*) of the table'] ?? Number.NaN
  const idle = medians['i: idle checkPgCronRuns'] ?? Number.NaN
  const old = medians["o: idle 0001's ingest_pg_cron"] ?? Number.NaN
  console.log(`  ratio i/c  = ${(idle / baseline).toFixed(3)}`)
  console.log(`  ratio i'/c = ${((medians["i': idle ingest_pg_cron"] ?? Number.NaN) / baseline).toFixed(3)}`)
  console.log(`  ratio o/c  = ${(old / baseline).toFixed(3)}`)
  console.log(`  ratio i/o  = ${(idle / old).toFixed(4)}`)
  console.log(`  idle checkPgCronRuns ${ms(idle)}  (target < 50 ms)`)

  // New runs after the cursor: recorded, reading only them.
  await seedRuns(job.minutely, 10)
  const [newMs, fresh] = await timed(() => check(watched))
  console.log(`after 10 new runs: checkPgCronRuns ${ms(newMs)}, recorded ${fresh.recorded}`)

  // A backlog recorded whole, the ingestion alone (SQL calls, as checkPgCronRuns makes them):
  // 0001's function in one transaction, the new one in batches until caught up. Each call
  // under EXPLAIN (ANALYZE, BUFFERS), which runs it and counts the shared buffers it touched
  // (its statements included): a measure of work that other load on the machine cannot skew.
  console.log('a backlog of one job recorded whole, the ingestion alone (SQL calls):')
  for (const name of Object.values(backlog)) {
    await seedRuns(name, name === backlog.large ? 3 * backlogRows : backlogRows)
  }
  await sql.unsafe('vacuum analyze cron.job_run_details')
  const args = (name: string) => `array['${name}'], array['pg_cron:${name}'], 600000`
  const analyzed = async (call: string) => {
    const [row] = await sql.unsafe(`explain (analyze, buffers, format json) ${call}`)
    const reports = (row?.['QUERY PLAN'] ?? []) as Array<{ Plan: Record<string, number>; 'Execution Time': number }>
    const [report] = reports
    const plan = report?.Plan ?? {}
    return {
      ms: report?.['Execution Time'] ?? Number.NaN,
      buffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
    }
  }
  const logged = async (name: string) =>
    Number(
      (
        await sql.unsafe(
          `select count(*)::int as runs from cronwarden.cron_execution_logs where job_name = 'pg_cron:${name}'`,
        )
      )[0]?.runs,
    )
  /** Batches of 1000 until every seeded run is recorded, and the call that finds nothing more. */
  const batched = async (name: string, runs: number) => {
    const total = { ms: 0, buffers: 0, calls: 0 }
    for (let done = false; !done; ) {
      done = (await logged(name)) >= runs
      const call = await analyzed(`select * from cronwarden.ingest_pg_cron(${args(name)}, null, 1000, '-infinity')`)
      total.ms += call.ms
      total.buffers += call.buffers
      total.calls++
    }
    return { ...total, runs: await logged(name) }
  }
  const idleAfter = async (call: string) => {
    const times: number[] = []
    for (let i = 0; i < 3; i++) times.push((await timed(() => sql.unsafe(call)))[0])
    return median(times)
  }
  const line = (label: string, work: { ms: number; buffers: number }, runs: number) =>
    `  ${label.padEnd(34)} ${ms(work.ms).padStart(8)} for ${runs} runs: ${((work.ms / runs) * 1000).toFixed(0)} µs, ` +
    `${(work.buffers / runs).toFixed(1)} buffers a run`
  const oldWork = await analyzed(`select ${benchSchema}.ingest_pg_cron_0001(${args(backlog.old)})`)
  const oldRuns = await logged(backlog.old)
  const oldIdle = await idleAfter(`select ${benchSchema}.ingest_pg_cron_0001(${args(backlog.old)})`)
  const newWork = await batched(backlog.batched, backlogRows)
  const newIdle = await idleAfter(`select * from cronwarden.ingest_pg_cron(${args(backlog.batched)})`)
  const largeWork = await batched(backlog.large, 3 * backlogRows)
  console.log(`${line("0001's, one transaction", oldWork, oldRuns)}; next idle call ${ms(oldIdle)}`)
  console.log(
    `${line(`batches of 1000 (${newWork.calls} calls)`, newWork, newWork.runs)}; next idle call ${ms(newIdle)}`,
  )
  console.log(line(`batches of 1000 (${largeWork.calls} calls)`, largeWork, largeWork.runs))
  console.log(
    `  ratio batched/0001 (${backlogRows} runs): time ${(newWork.ms / oldWork.ms).toFixed(3)}, ` +
      `buffers ${(newWork.buffers / oldWork.buffers).toFixed(3)}`,
  )
} finally {
  if (admin) {
    await sql.end({ timeout: 5 })
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end()
  } else {
    // A shared database: take out what the bench put in.
    const names = literal(allJobs)
    await sql
      .unsafe(`
      delete from cronwarden.pg_cron_cursor where jobid in (select jobid from cron.job where jobname = any (${names}));
      delete from cron.job_run_details where jobid in (select jobid from cron.job where jobname = any (${names}));
      delete from cron.job where jobname = any (${names});
      delete from cronwarden.cron_alerts where job_name = any (${literal(logNames(allJobs))});
      delete from cronwarden.cron_execution_logs where job_name = any (${literal(logNames(allJobs))});
      delete from cronwarden.cron_job_state where job_name = any (${literal(logNames(allJobs))});
      drop schema if exists ${benchSchema} cascade;`)
      .simple()
    await sql.end({ timeout: 5 })
  }
}
