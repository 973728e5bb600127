// purgeRuns in batches: the same rows deleted as in one go, in bounded steps, with progress.
// (What one purge keeps and deletes is in bad-input.test.ts; its plans in query-plans.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { purgeRuns } from '../src/index.js'
import { fleetSeedStatements } from './support/fleet-seed.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

// 5,000 runs and 3,000 entries over 90 days: a purge of 30 days deletes about two thirds.
const seed = { runs: 5_000, jobs: 20, days: 90, runningEvery: 4, alerts: 3_000, alertDays: 90 }

describe.skipIf(!available)('purgeRuns in batches', () => {
  let whole: SupabaseDatabase
  let batched: SupabaseDatabase

  beforeAll(async () => {
    ;[whole, batched] = await Promise.all([createSupabaseDatabase(), createSupabaseDatabase()])
    for (const database of [whole, batched]) {
      for (const statement of fleetSeedStatements(seed)) await database.sql.unsafe(statement)
    }
    // Running rows older than the retention stay whatever their age.
    for (const database of [whole, batched]) {
      await database.sql.unsafe(
        `update cronwarden.cron_execution_logs set started_at = started_at - interval '60 days' where run_id = 'running-0'`,
      )
    }
  })
  afterAll(async () => {
    await Promise.all([whole?.drop(), batched?.drop()])
  })

  const left = async (database: SupabaseDatabase) => ({
    runs: (await database.sql.unsafe('select run_id from cronwarden.cron_execution_logs order by run_id')).map(
      (row) => row.run_id as string,
    ),
    // Seeded with one entry per run id, at times relative to each database's seeding.
    entries: (await database.sql.unsafe('select run_id, status from cronwarden.cron_alerts order by 1')).map(
      (row) => `${row.run_id} ${row.status}`,
    ),
  })

  it('deletes the same rows as one purge, reporting the rows deleted after each batch', async () => {
    const before = await left(batched)
    const runsDeleted = await purgeRuns(whole.sql, 30)
    const progress: number[] = []
    const total = await purgeRuns(batched.sql, 30, { batchSize: 500, onProgress: (deleted) => progress.push(deleted) })

    const [afterWhole, afterBatched] = await Promise.all([left(whole), left(batched)])
    expect(afterBatched).toEqual(afterWhole)
    expect(afterBatched.runs).toContain('running-0')
    const entriesDeleted = before.entries.length - afterBatched.entries.length
    expect(runsDeleted).toBe(before.runs.length - afterBatched.runs.length)
    expect(runsDeleted).toBeGreaterThan(3_000)
    expect(entriesDeleted).toBeGreaterThan(1_500)
    // The rows of both tables, 500 at a time, until a batch deletes fewer.
    expect(total).toBe(runsDeleted + entriesDeleted)
    expect(progress).toEqual(
      Array.from({ length: Math.floor(total / 500) + 1 }, (_, index) => Math.min((index + 1) * 500, total)),
    )
    expect(await purgeRuns(batched.sql, 30, { batchSize: 500 })).toBe(0)
  })

  it('reports once without batchSize, and refuses bad options with a RangeError naming the field', async () => {
    const progress: number[] = []
    expect(await purgeRuns(whole.sql, 30, { onProgress: (deleted) => progress.push(deleted) })).toBe(0)
    expect(progress).toEqual([0])
    for (const [options, message] of [
      [{ batchSize: 0 }, 'purgeRuns: batchSize: expected an integer from 1 to 2147483647, got 0'],
      [{ batchSize: 1.5 }, 'purgeRuns: batchSize: expected an integer from 1 to 2147483647, got 1.5'],
      [{ batchSize: '10' }, 'purgeRuns: batchSize: expected an integer from 1 to 2147483647, got string'],
      [{ batchSize: 2 ** 31 }, 'purgeRuns: batchSize: expected an integer from 1 to 2147483647, got 2147483648'],
      [{ onProgress: 1 }, 'purgeRuns: onProgress: expected a function, got 1'],
      [{ batch: 10 }, 'purgeRuns: options.batch: unknown option (expected batchSize, onProgress)'],
      [[], 'purgeRuns: options: expected an object, got an array'],
    ] as const) {
      await expect(purgeRuns(whole.sql, 30, options as never), JSON.stringify(options)).rejects.toThrow(
        new RangeError(message),
      )
    }
  })

  it('stops where onProgress throws, keeping the batches already deleted', async () => {
    await batched.sql.unsafe(
      `update cronwarden.cron_execution_logs set started_at = started_at - interval '100 days'
       where run_id in (select run_id from cronwarden.cron_execution_logs where status <> 'running' limit 50)`,
    )
    const stop = new Error('stop')
    const error = await purgeRuns(batched.sql, 30, {
      batchSize: 20,
      onProgress: () => {
        throw stop
      },
    }).catch((caught: unknown) => caught)
    expect(error).toBe(stop)
    expect(await purgeRuns(batched.sql, 30, { batchSize: 20 })).toBe(30)
  })
})

describe.skipIf(!available)('purge and the pg_net requests track_pg_net recorded', () => {
  let database: SupabaseDatabase
  beforeAll(async () => {
    database = await createSupabaseDatabase()
  })
  afterAll(async () => {
    await database?.drop()
  })

  // Requests made `from` to `to` days ago (and half a day more, clear of the cutoff), one a day.
  const requested = (from: number, to: number) =>
    database.sql.unsafe(
      `insert into cronwarden.pg_net_requests (request_id, backend_pid, requested_at)
       select day, 4242, now() - (day + 0.5) * interval '1 day' from generate_series(${from}, ${to}) as day`,
    )
  const requestsLeft = async () =>
    (await database.sql.unsafe('select request_id from cronwarden.pg_net_requests order by 1')).map((row) =>
      Number(row.request_id),
    )
  const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index)

  it('deletes those older than the cutoff with the runs, in one go and in batches, and keeps the newer ones', async () => {
    await requested(0, 59)
    // In one go the count stays the runs deleted (none here), as documented.
    expect(await purgeRuns(database.sql, 30)).toBe(0)
    expect(await requestsLeft()).toEqual(days(0, 29))

    await requested(60, 99)
    const progress: number[] = []
    // In batches every row counts, requests included: 40 of them, 15 at a time.
    expect(await purgeRuns(database.sql, 30, { batchSize: 15, onProgress: (deleted) => progress.push(deleted) })).toBe(
      40,
    )
    expect(progress).toEqual([15, 30, 40])
    expect(await requestsLeft()).toEqual(days(0, 29))
  })
})
