import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { migrate } from '../src/migrate.js'
import { seedMentorsAndAssignments } from '../src/seed.js'
import { fromPg } from '../supabase/functions/_shared/db.ts'
import { forkBenchChild, lastWord, nextMessage } from './children.js'

/**
 * End-to-end dispatch against the real PostgreSQL server and a local HTTP push service in
 * another process: the batched service and the naive row-by-row loop on the same 10,000
 * assignments (each on a fresh database), then the batched service on 100,000. Prints times,
 * throughput, peak RSS and the ratio measured in this run. Not a test: nothing is asserted.
 *
 *   pnpm --filter @cronwarden/example-reminder-cron bench
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test  (the default)
 */
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const sizes = { compared: 10_000, large: Number(process.env.BENCH_LARGE ?? 100_000) }
const now = new Date('2026-01-15T06:00:00.000Z')
const heapMb = Number(process.env.BENCH_HEAP_MB ?? 64)

interface PhaseResult {
  sent: number
  elapsedMs: number
  peakRssMb: number
}

/**
 * For the bench's own connections: pg-pool's `end()` resolves before its sockets have
 * closed, so the forced `drop database` below can end a connection the pool still holds, and
 * an 'error' event nobody listens to kills the process (3 crashes in 5 runs before this).
 * 57P01 (terminated by an administrator command) is that drop; anything else is reported.
 */
function onConnectionError(error: Error & { code?: string }): void {
  if (error.code !== '57P01') console.error(`bench: connection lost: ${error.message}`)
}

async function withDatabase<T>(assignments: number, work: (url: string) => Promise<T>): Promise<T> {
  const name = `cronwarden_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const admin = new pg.Client({ connectionString: serverUrl })
  admin.on('error', onConnectionError)
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  pool.on('error', onConnectionError)
  try {
    const db = fromPg(pool)
    await migrate(db)
    // Every assignment due: 14 to 41 days since contact, with a 14-day interval.
    await seedMentorsAndAssignments(db, {
      mentors: Math.ceil(assignments / 5),
      assignments,
      now,
      spreadDays: 28,
      minDaysSinceContact: 14,
    })
    await db.exec('analyze')
    return await work(url.toString())
  } finally {
    await pool.end()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

async function measure(kind: 'batched' | 'naive' | 'idle', assignments: number, sinkUrl: string): Promise<PhaseResult> {
  return withDatabase(assignments, async (url) => {
    // A small old space: a run whose live memory grew with the table would die here, so a
    // completed run shows memory stays flat (RSS above it is V8 collecting lazily).
    // Its result counts once it has exited: only then are its connections surely closed
    // before the database is dropped under it.
    const phase = forkBenchChild(
      './phase.ts',
      [kind, url, sinkUrl, now.toISOString()],
      [`--max-old-space-size=${heapMb}`],
    )
    const result = await lastWord<PhaseResult>(phase)
    if (kind !== 'idle' && result.sent !== assignments)
      throw new Error(`${kind}: sent ${result.sent} of ${assignments}`)
    return result
  })
}

const sink = forkBenchChild('./sink.ts')
const { url: sinkUrl } = await nextMessage<{ url: string }>(sink)
try {
  const idle = await measure('idle', 0, sinkUrl)
  const batched = await measure('batched', sizes.compared, sinkUrl)
  const naive = await measure('naive', sizes.compared, sinkUrl)
  const large = await measure('batched', sizes.large, sinkUrl)
  const row = (label: string, result: PhaseResult) => ({
    run: label,
    reminders: result.sent,
    seconds: Number((result.elapsedMs / 1000).toFixed(2)),
    'reminders/s': Math.round(result.sent / (result.elapsedMs / 1000)),
    'peak RSS (MB)': Math.round(result.peakRssMb),
  })
  console.table([
    row('batched', batched),
    row('naive row-by-row', naive),
    row(`batched, ${sizes.large.toLocaleString('en')}`, large),
  ])
  console.log(
    `each run in its own process with --max-old-space-size=${heapMb}; the same process sending nothing peaks at ${Math.round(idle.peakRssMb)} MB RSS`,
  )
  console.log(
    `batched is ${(naive.elapsedMs / batched.elapsedMs).toFixed(1)}x faster than row-by-row on ${sizes.compared.toLocaleString('en')} assignments (same run, same machine)`,
  )
} finally {
  sink.send('stop')
}
