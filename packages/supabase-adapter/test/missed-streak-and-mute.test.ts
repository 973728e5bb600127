// Migration 0007 on the PostgreSQL server and on PGlite: missed times in the streak, the
// transition's previous_failure_at, the job's last_run_at (getJob), muting (muteJob, muted
// entries and outcomes, the mark that mutes the recovery), the reminder policy as stored, and
// the upgrade of a database migrated to 0006.
import { randomUUID } from 'node:crypto'
import type { AlertDeliveryOutcome, AlertSpec, ExecutionLogStore, PendingAlert } from '@cronwarden/core'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore, type Database, listMigrations, migrate } from '../src/index.js'
import { migrationBlock } from '../src/migration-block.js'
import { alertSpec, claimSlackAlerts, storeRun } from './support/store-inputs.js'
import { createSupabaseDatabase, pgPool, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

const spec = (overrides: Partial<AlertSpec> = {}): AlertSpec => ({ ...alertSpec, ...overrides })
const HOUR = 3_600_000

/** A statement's rows, whichever client `db` is. */
async function query(db: Database, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if ('unsafe' in db) return [...(await db.unsafe(text, params as never[]))] as Record<string, unknown>[]
  return (await (db as pg.Pool).query(text, params)).rows
}

function describeMigration0007(label: string, setup: () => Promise<Database>) {
  describe(label, () => {
    let db: Database
    let store: ExecutionLogStore
    let jobs = 0
    const newJob = () => `job-0007-${++jobs}-${randomUUID().slice(0, 8)}`

    beforeAll(async () => {
      db = await setup()
      store = createSupabaseStore({ db })
    })

    const begin = (jobName: string, runId = randomUUID(), alert: AlertSpec | null = null) =>
      store.beginRun({ jobName, runId, leaseMs: 60_000, exclusive: true, host: null, alert })
    const run = (jobName: string, status: 'succeeded' | 'failed', alert: AlertSpec | null = spec()) =>
      storeRun(store, jobName, status, { alert })
    const miss = (jobName: string, expectedAt: Date, alert: AlertSpec | null = spec(), lastRunAt: Date | null = null) =>
      store.recordMissedRun({
        jobName,
        runId: `missed:${jobName}:${expectedAt.toISOString()}`,
        expectedAt,
        detectedAt: new Date(expectedAt.getTime() + 60_000),
        errorMessage: 'No run started within 60000 ms',
        missed: { schedule: '0 * * * *', timezone: 'Europe/Berlin', lastRunAt },
        alert,
      })
    const outcome = (
      entry: PendingAlert,
      status: AlertDeliveryOutcome['status'],
      eventType: AlertDeliveryOutcome['event_type'],
    ) =>
      store.recordAlertOutcome({
        alertId: entry.alertId,
        claimToken: entry.claimToken,
        eventType,
        outcomes: entry.notifiers.map((state) => ({
          notifier: state.notifier,
          event_type: eventType,
          status,
          error_message: null,
          attempted_at: new Date().toISOString(),
          duration_ms: 0,
          retryAfterMs: null,
        })),
      })
    const jobState = async (jobName: string) =>
      (await query(db, 'select * from cronwarden.cron_job_state where job_name = $1', [jobName]))[0]

    describe('a missed time', () => {
      it('counts in the streak after a failed run, with the failure as previous_failure_at and the schedule', async () => {
        const jobName = newJob()
        const failed = await run(jobName, 'failed')
        // After the run: a time at or before the job's latest run is never missed.
        const expectedAt = new Date(Date.now() + HOUR)
        const lastRunAt = failed.transition.startedAt
        const missed = await miss(jobName, expectedAt, spec(), lastRunAt)
        expect(missed.created).toBe(true)
        expect(missed.transition).toEqual({
          jobName,
          runId: `missed:${jobName}:${expectedAt.toISOString()}`,
          status: 'missed',
          startedAt: expectedAt,
          finishedAt: new Date(expectedAt.getTime() + 60_000),
          durationMs: 60_000,
          errorMessage: 'No run started within 60000 ms',
          previousFailureCount: 1,
          consecutiveFailureCount: 2,
          lastSuccessAt: null,
          downSince: failed.transition.startedAt,
          previousFailureAt: failed.transition.finishedAt,
          missed: { schedule: '0 * * * *', timezone: 'Europe/Berlin', lastRunAt },
        })
        expect(missed.alert).toMatchObject({
          jobName,
          runId: missed.transition?.runId,
          muted: false,
          subject: { kind: 'transition', transition: missed.transition },
        })
        expect(missed.alert?.claimToken).not.toBe('')
        const row = (await store.listRuns({ jobName })).find((each) => each.status === 'missed')
        expect(row).toMatchObject({ consecutive_failure_count: 2, duration_ms: 60_000 })
        // The next run sees the streak, and the entry counted as pending.
        const next = await begin(jobName)
        expect(next).toMatchObject({ outcome: 'started', consecutiveFailureCount: 2, pendingAlerts: 2 })
      })

      it('begins a streak at the scheduled time, and a repeated time changes nothing', async () => {
        const jobName = newJob()
        const expectedAt = new Date(Date.now() - 2 * HOUR)
        const first = await miss(jobName, expectedAt, null)
        expect(first.transition).toMatchObject({
          previousFailureCount: 0,
          consecutiveFailureCount: 1,
          downSince: expectedAt,
          previousFailureAt: null,
          missed: { lastRunAt: null },
        })
        expect(first.alert).toBeNull()
        expect(await miss(jobName, expectedAt)).toEqual({ created: false, transition: null, alert: null })
        const second = await miss(jobName, new Date(expectedAt.getTime() + HOUR), null)
        expect(second.transition).toMatchObject({
          previousFailureCount: 1,
          consecutiveFailureCount: 2,
          downSince: expectedAt,
          previousFailureAt: first.transition?.finishedAt,
        })
        expect(await store.getJob({ jobName })).toEqual({
          job_name: jobName,
          consecutive_failure_count: 2,
          down_since: expectedAt.toISOString(),
          last_success_at: null,
          last_run_at: null,
          muted_until: null,
        })
        const success = await run(jobName, 'succeeded')
        expect(success.transition).toMatchObject({
          previousFailureCount: 2,
          consecutiveFailureCount: 0,
          downSince: expectedAt,
          previousFailureAt: null,
        })
      })

      it('is counted once however many detectors record it at once', async () => {
        const jobName = newJob()
        const expectedAt = new Date(Date.now() - HOUR)
        const results = await Promise.all(Array.from({ length: 8 }, () => miss(jobName, expectedAt)))
        expect(results.filter((result) => result.created)).toHaveLength(1)
        expect(results.filter((result) => result.alert !== null)).toHaveLength(1)
        expect((await store.getJob({ jobName }))?.consecutive_failure_count).toBe(1)
        expect(await store.listAlerts({ jobName })).toHaveLength(1)
      })
    })

    describe('finish_run', () => {
      it('gives each failure the previous failure of its streak, and a success none', async () => {
        const jobName = newJob()
        const one = await run(jobName, 'failed')
        const two = await run(jobName, 'failed')
        const success = await run(jobName, 'succeeded')
        const after = await run(jobName, 'failed')
        expect(one.transition).toMatchObject({ previousFailureAt: null, missed: null })
        expect(two.transition.previousFailureAt).toEqual(one.transition.finishedAt)
        expect(success.transition).toMatchObject({ previousFailureAt: null, missed: null })
        expect(after.transition.previousFailureAt).toBeNull()
      })

      it('keeps last_run_at at the newest start: started and skipped runs, and rows closed without begin_run', async () => {
        const jobName = newJob()
        expect(await store.getJob({ jobName })).toBeNull()
        const holder = await begin(jobName)
        expect((await store.getJob({ jobName }))?.last_run_at).toBe(
          holder.outcome === 'started' ? holder.startedAt.toISOString() : null,
        )
        const skipped = await begin(jobName)
        expect(skipped.outcome).toBe('skipped')
        expect((await store.getJob({ jobName }))?.last_run_at).toBe(skipped.startedAt.toISOString())
        // A missed time is not a run.
        await miss(jobName, new Date(Date.now() + HOUR))
        expect((await store.getJob({ jobName }))?.last_run_at).toBe(skipped.startedAt.toISOString())
        // pg_cron ingestion inserts a row and closes it with finish_run: a later start counts,
        // an earlier one does not move the time back.
        const later = new Date(skipped.startedAt.getTime() + 5_000)
        const earlier = new Date(skipped.startedAt.getTime() - 5_000)
        for (const [runId, startedAt] of [
          ['pg_cron:1', later],
          ['pg_cron:2', earlier],
        ] as const) {
          await query(
            db,
            `insert into cronwarden.cron_execution_logs (run_id, job_name, status, started_at, lease_expires_at)
             values ($1, $2, 'running', $3, 'infinity')`,
            [runId, jobName, startedAt.toISOString()],
          )
          await query(db, `select cronwarden.finish_run($1, $2, 'succeeded', null, null, null, $3, false)`, [
            jobName,
            runId,
            new Date(startedAt.getTime() + 10).toISOString(),
          ])
        }
        expect((await store.getJob({ jobName }))?.last_run_at).toBe(later.toISOString())
      })

      it('creates the row with last_run_at for a job whose first run never went through begin_run', async () => {
        const jobName = newJob()
        const startedAt = new Date(Date.now() - 60_000)
        await query(
          db,
          `insert into cronwarden.cron_execution_logs (run_id, job_name, status, started_at, lease_expires_at)
           values ('pg_cron:first', $1, 'running', $2, 'infinity')`,
          [jobName, startedAt.toISOString()],
        )
        await query(db, `select cronwarden.finish_run($1, 'pg_cron:first', 'failed', 'x', null, null, null, false)`, [
          jobName,
        ])
        expect(await store.getJob({ jobName })).toMatchObject({
          consecutive_failure_count: 1,
          down_since: startedAt.toISOString(),
          last_run_at: startedAt.toISOString(),
        })
        expect((await jobState(jobName))?.last_failure_at).not.toBeNull()
      })
    })

    describe('the reminder policy', () => {
      it('is stored with the entry, null when the writer has none', async () => {
        const jobName = newJob()
        await run(jobName, 'failed', spec({ policy: { ...alertSpec.policy, realertEveryMs: 86_400_000 }, claimMs: 1 }))
        const legacy = { failureThreshold: 2, notifyOnRecovery: false } as AlertSpec['policy']
        const written = await run(jobName, 'failed', spec({ policy: legacy, claimMs: 1 }))
        expect(written.alert?.policy).toEqual({ failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null })
        const claimed = await claimSlackAlerts(store, jobName)
        expect(claimed.map((entry) => entry.policy.realertEveryMs)).toEqual([86_400_000, null])
      })

      it('reads entries written before 0007 (no realertEveryMs, previous_failure_at or missed) as null', async () => {
        const jobName = newJob()
        await run(jobName, 'failed', spec({ claimMs: 1 }))
        await query(
          db,
          `update cronwarden.cron_alerts
           set policy = policy - 'realertEveryMs',
               subject = jsonb_set(subject, '{transition}', (subject->'transition') - 'previous_failure_at' - 'missed')
           where job_name = $1`,
          [jobName],
        )
        const [entry] = await claimSlackAlerts(store, jobName, 1)
        expect(entry?.policy).toEqual({ failureThreshold: 2, notifyOnRecovery: false, realertEveryMs: null })
        expect(entry?.subject).toMatchObject({ transition: { previousFailureAt: null, missed: null } })
      })
    })

    describe('muting', () => {
      it('writes entries muted while the job is muted, for failures, missed times and events, and not after', async () => {
        const jobName = newJob()
        // Before its first run: the mute applies from then on.
        const until = new Date(Date.now() + HOUR)
        await store.muteJob({ jobName, until })
        expect(await store.getJob({ jobName })).toMatchObject({
          consecutive_failure_count: 0,
          last_run_at: null,
          muted_until: until.toISOString(),
        })
        const failed = await run(jobName, 'failed', spec({ claimMs: 1 }))
        expect(failed.alert?.muted).toBe(true)
        const missed = await miss(jobName, new Date(Date.now() + HOUR))
        expect(missed.alert?.muted).toBe(true)
        const enqueued = await store.enqueueAlert({
          jobName,
          runId: failed.transition.runId,
          event: {
            type: 'long_running',
            job_name: jobName,
            run_id: failed.transition.runId,
            occurred_at: new Date().toISOString(),
            started_at: new Date().toISOString(),
            max_runtime_ms: 1,
            running_for_ms: 2,
            last_success_at: null,
          },
          alert: spec(),
        })
        expect(enqueued.muted).toBe(true)
        const [claimed] = await claimSlackAlerts(store, jobName, 1)
        expect(claimed).toMatchObject({ alertId: failed.alert?.alertId, muted: true })

        await store.muteJob({ jobName, until: null })
        expect((await store.getJob({ jobName }))?.muted_until).toBeNull()
        expect((await run(jobName, 'failed')).alert?.muted).toBe(false)
        // A mute that has lapsed mutes nothing.
        await store.muteJob({ jobName, until: new Date(Date.now() - 1_000) })
        expect((await run(jobName, 'failed')).alert?.muted).toBe(false)
      })

      it('settles an entry whose notifiers were all muted as muted, final, not an attempt', async () => {
        const jobName = newJob()
        await store.muteJob({ jobName, until: new Date(Date.now() + HOUR) })
        await run(jobName, 'failed')
        const { alert } = await run(jobName, 'failed', spec({ notifiers: ['slack', 'email'] }))
        if (!alert) throw new Error('no entry')
        await outcome(alert, 'muted', 'consecutive_failures')
        const [record] = await store.listAlerts({ jobName, limit: 1 })
        expect(record).toMatchObject({ status: 'muted', event_type: 'consecutive_failures' })
        expect(record?.notifiers.map((state) => [state.notifier, state.status, state.attempts])).toEqual([
          ['slack', 'muted', 0],
          ['email', 'muted', 0],
        ])
        // Final: a late delivery changes nothing but is kept with the run.
        await outcome(alert, 'delivered', 'consecutive_failures')
        expect((await store.listAlerts({ jobName, limit: 1 }))[0]?.status).toBe('muted')
        const [row] = await store.listRuns({ jobName, limit: 1 })
        expect(row?.deliveries.map((delivery) => delivery.status)).toEqual(['muted', 'muted', 'delivered', 'delivered'])
        // Settled: no longer pending.
        expect((await begin(jobName)).pendingAlerts).toBe(1)
      })

      it('mutes the success ending a streak whose alert was muted, even after unmuting', async () => {
        const jobName = newJob()
        await store.muteJob({ jobName, until: new Date(Date.now() + HOUR) })
        const first = await run(jobName, 'failed')
        const second = await run(jobName, 'failed')
        if (!second.alert) throw new Error('no entry')
        await outcome(second.alert, 'muted', 'consecutive_failures')
        expect((await jobState(jobName))?.alert_muted_for).toEqual(first.transition.startedAt)
        await store.muteJob({ jobName, until: null })
        const success = await run(jobName, 'succeeded')
        expect(success.alert?.muted).toBe(true)
        // The streak is over: the mark goes with it, and the next streak alerts.
        expect((await jobState(jobName))?.alert_muted_for).toBeNull()
        await run(jobName, 'failed')
        const next = await run(jobName, 'failed')
        expect(next.alert?.muted).toBe(false)
        expect((await run(jobName, 'succeeded')).alert?.muted).toBe(false)
      })

      it('marks the streak from a muted missed_run too', async () => {
        const jobName = newJob()
        await store.muteJob({ jobName, until: new Date(Date.now() + HOUR) })
        const expectedAt = new Date(Date.now() - HOUR)
        const missed = await miss(jobName, expectedAt)
        if (!missed.alert) throw new Error('no entry')
        await outcome(missed.alert, 'muted', 'missed_run')
        expect((await jobState(jobName))?.alert_muted_for).toEqual(expectedAt)
      })

      it('unmarks the streak when a still_failing reminder of it is delivered, so the recovery is sent', async () => {
        const jobName = newJob()
        await store.muteJob({ jobName, until: new Date(Date.now() + HOUR) })
        await run(jobName, 'failed')
        const alerted = await run(jobName, 'failed')
        if (!alerted.alert) throw new Error('no entry')
        await outcome(alerted.alert, 'muted', 'consecutive_failures')
        await store.muteJob({ jobName, until: null })
        const reminder = await run(jobName, 'failed')
        if (!reminder.alert) throw new Error('no entry')
        // A reminder of another streak leaves the mark alone.
        await query(
          db,
          `update cronwarden.cron_job_state set alert_muted_for = alert_muted_for - interval '1 ms' where job_name = $1`,
          [jobName],
        )
        await outcome(reminder.alert, 'delivered', 'still_failing')
        expect((await jobState(jobName))?.alert_muted_for).not.toBeNull()
        await query(
          db,
          `update cronwarden.cron_job_state set alert_muted_for = alert_muted_for + interval '1 ms' where job_name = $1`,
          [jobName],
        )
        const again = await run(jobName, 'failed')
        if (!again.alert) throw new Error('no entry')
        await outcome(again.alert, 'delivered', 'still_failing')
        expect((await jobState(jobName))?.alert_muted_for).toBeNull()
        expect((await run(jobName, 'succeeded')).alert?.muted).toBe(false)
      })
    })
  })
}

describe.skipIf(!available)('migration 0007 on the PostgreSQL server', () => {
  let database: SupabaseDatabase
  afterAll(() => database?.drop())
  describeMigration0007('through node-postgres', async () => {
    database = await createSupabaseDatabase()
    return pgPool(database, 10)
  })

  it('fills last_run_at and the failing jobs last_failure_at from the log when upgrading from 0006', async () => {
    const upgraded = await createSupabaseDatabase({ migrated: false })
    const client = new pg.Client({ connectionString: upgraded.url })
    await client.connect()
    try {
      for (const migration of (await listMigrations()).filter((each) => each.version <= 6)) {
        await client.query(migrationBlock(migration))
      }
      const store = createSupabaseStore({ db: client })
      const runOnce = async (jobName: string, status: 'succeeded' | 'failed') => {
        const runId = randomUUID()
        await store.beginRun({ jobName, runId, leaseMs: 60_000, exclusive: true, host: null, alert: null })
        return store.finishRun({ jobName, runId, status, errorMessage: status, summary: null, alert: null })
      }
      await runOnce('healthy', 'succeeded')
      await runOnce('failing', 'succeeded')
      await runOnce('failing', 'failed')
      const last = await runOnce('failing', 'failed')
      // A missed row as 0006 wrote it: beside the streak, after the last run.
      await client.query(
        `insert into cronwarden.cron_execution_logs (run_id, job_name, status, started_at, finished_at, error_message)
         values ('missed:failing', 'failing', 'missed', now() + interval '1 hour', now() + interval '2 hours', 'missed')`,
      )
      expect(await migrate(client)).toEqual([7])
      const state = async (jobName: string) =>
        (
          await client.query('select last_run_at, last_failure_at from cronwarden.cron_job_state where job_name = $1', [
            jobName,
          ])
        ).rows[0]
      const healthy = (await store.listRuns({ jobName: 'healthy' }))[0]
      expect(await state('healthy')).toEqual({
        last_run_at: new Date(healthy?.started_at ?? ''),
        last_failure_at: null,
      })
      expect(await state('failing')).toEqual({
        last_run_at: last?.transition.startedAt,
        last_failure_at: last?.transition.finishedAt,
      })
      // The first failure after the upgrade knows its streak's previous failure.
      expect((await runOnce('failing', 'failed'))?.transition.previousFailureAt).toEqual(last?.transition.finishedAt)
    } finally {
      await client.end()
      await upgraded.drop()
    }
  })
})

describe('migration 0007 on PGlite', () => {
  // One PGlite per file: it takes seconds to start, and has a single connection.
  const db = new PGlite()
  afterAll(() => db.close())
  describeMigration0007('one connection', async () => {
    await migrate(db)
    return db
  })
})
