import { setTimeout as sleep } from 'node:timers/promises'
import { RunSkippedError, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createRecordingNotifier } from '@cronwarden/core/testing'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { startJobProcess } from './support/job-process.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

describe.skipIf(!available)('separate processes sharing one job', () => {
  let database: SupabaseDatabase
  let sql: postgres.Sql

  beforeAll(async () => {
    database = await createSupabaseDatabase()
    sql = database.pool(4)
  })
  afterAll(() => database?.drop())

  const statuses = async (jobName: string) =>
    (await createSupabaseStore({ db: sql }).listRuns({ jobName })).map((row) => [
      row.status,
      row.consecutive_failure_count,
    ])

  it('runs the job in one of two processes started at once; the other records a skipped row naming it', async () => {
    const jobName = 'two-processes'
    // The job lasts far longer than a process takes to start, so the two runs overlap.
    const options = { databaseUrl: database.url, jobName, leaseMs: 10_000, jobMs: 4_000 }
    const outcomes = await Promise.all([startJobProcess(options).outcome(), startJobProcess(options).outcome()])
    const finished = outcomes.filter((outcome) => outcome?.event === 'finished')
    const skipped = outcomes.filter((outcome) => outcome?.event === 'skipped')
    expect(finished).toHaveLength(1)
    expect(skipped).toHaveLength(1)
    const rows = await createSupabaseStore({ db: sql }).listRuns({ jobName })
    const holder = rows.find((row) => row.status === 'succeeded')
    expect(rows.find((row) => row.status === 'skipped')).toMatchObject({
      run_id: skipped[0]?.runId,
      holder_run_id: holder?.run_id,
    })
    expect(skipped[0]?.holderRunId).toBe(holder?.run_id)
  })

  it('skips the next run while a SIGKILLed holder lease lasts, then closes it as abandoned and proceeds', async () => {
    const jobName = 'killed-holder'
    const leaseMs = 2_000
    const crashed = startJobProcess({ databaseUrl: database.url, jobName, leaseMs, jobMs: 60_000 })
    const started = await crashed.next('started')
    crashed.child.kill('SIGKILL')
    await crashed.exited

    const store = createSupabaseStore({ db: sql })
    const notifier = createRecordingNotifier()
    const run = withFailureAlerting(async () => 'sent', {
      jobName,
      store,
      notifiers: [notifier],
      lock: { leaseMs },
      logger: silentLogger,
    })
    const skipped = await run().catch((error: unknown) => error)
    expect(skipped).toBeInstanceOf(RunSkippedError)
    expect((skipped as RunSkippedError).holderRunId).toBe(started.runId)

    // Wait for the dead holder's lease to run out (the database's clock decides).
    for (;;) {
      const [row] = await sql`select lease_expires_at < clock_timestamp() as expired
        from cronwarden.cron_execution_logs where run_id = ${String(started.runId)}`
      if (row?.expired) break
      await sleep(100)
    }
    await expect(run()).resolves.toBe('sent')
    expect(await statuses(jobName)).toEqual([
      ['succeeded', 0],
      ['skipped', null],
      ['abandoned', 1],
    ])
    const rows = await store.listRuns({ jobName })
    expect(rows[2]).toMatchObject({ run_id: started.runId, error_message: expect.stringMatching(/lease expired/) })
  })

  it('keeps the lease for a run three times longer than the lease, thanks to the heartbeat', async () => {
    const jobName = 'long-holder'
    const leaseMs = 1_000
    const holder = startJobProcess({ databaseUrl: database.url, jobName, leaseMs, jobMs: 3 * leaseMs })
    const started = await holder.next('started')
    const run = withFailureAlerting(async () => 'sent', {
      jobName,
      store: createSupabaseStore({ db: sql }),
      lock: { leaseMs },
      logger: silentLogger,
    })
    const startedAt = Date.now()
    const skips: Array<{ afterMs: number; holderRunId: string }> = []
    while (holder.child.exitCode === null) {
      const attempt = await run().catch((error: unknown) => error)
      if (attempt instanceof RunSkippedError)
        skips.push({ afterMs: Date.now() - startedAt, holderRunId: attempt.holderRunId })
      await sleep(300)
    }
    await holder.exited
    // Attempts kept being skipped in favour of the holder well past its first lease period.
    expect(skips.length).toBeGreaterThanOrEqual(3)
    expect(skips.every((skip) => skip.holderRunId === started.runId)).toBe(true)
    expect(Math.max(...skips.map((skip) => skip.afterMs))).toBeGreaterThan(2 * leaseMs)
    const rows = await createSupabaseStore({ db: sql }).listRuns({ jobName, limit: 100 })
    expect(rows.find((row) => row.run_id === started.runId)).toMatchObject({
      status: 'succeeded',
      consecutive_failure_count: 0,
    })
    expect(rows.filter((row) => row.status === 'abandoned')).toHaveLength(0)
  })
})
