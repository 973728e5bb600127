import { alertEventSchema, silentLogger, withFailureAlerting } from '@cronwarden/core'
import { createRecordingNotifier } from '@cronwarden/core/testing'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore } from '../src/index.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'

const available = await serverAvailable()

describe.skipIf(!available)('counting consecutive failures and alerting once, on the PostgreSQL server', () => {
  let database: SupabaseDatabase
  let sql: postgres.Sql

  beforeAll(async () => {
    database = await createSupabaseDatabase()
    sql = database.sql
  })
  afterAll(() => database?.drop())

  const failingJob = (message: string) => async () => {
    throw new Error(message)
  }

  it('sends exactly one alert with the right payload for two consecutive failed runs', async () => {
    const jobName = 'assignment-follow-up-reminders'
    const store = createSupabaseStore({ db: sql })
    const notifier = createRecordingNotifier()
    const options = { jobName, store, notifiers: [notifier], logger: silentLogger }
    await withFailureAlerting(async () => 'sent', options)()
    const [success] = await store.listRuns({ jobName })

    const run = withFailureAlerting(failingJob('push service answered 503'), options)
    await expect(run()).rejects.toThrow('push service answered 503')
    expect(notifier.events).toHaveLength(0)
    await expect(run()).rejects.toThrow('push service answered 503')
    expect(notifier.events).toHaveLength(1)
    await expect(run()).rejects.toThrow('push service answered 503')
    expect(notifier.events).toHaveLength(1)

    const [, second, first] = await store.listRuns({ jobName })
    const event = alertEventSchema.parse(notifier.events[0])
    expect(event).toEqual({
      type: 'consecutive_failures',
      job_name: jobName,
      run_id: second?.run_id,
      occurred_at: expect.any(String),
      error_message: 'push service answered 503',
      last_success_at: success?.finished_at,
      consecutive_failure_count: 2,
      threshold: 2,
      started_at: second?.started_at,
      finished_at: second?.finished_at,
      duration_ms: second?.duration_ms,
      down_since: first?.started_at,
    })
    expect(second?.deliveries).toMatchObject([{ notifier: 'recording', status: 'delivered' }])
    // Every failure wrote an entry with its transition; only the second decided an event.
    const alerts = await store.listAlerts({ jobName })
    expect(alerts.map((alert) => [alert.run_id, alert.status, alert.event_type])).toEqual([
      [expect.any(String), 'no_event', null],
      [second?.run_id, 'delivered', 'consecutive_failures'],
      [first?.run_id, 'no_event', null],
    ])
    expect(alerts[1]?.notifiers).toMatchObject([{ notifier: 'recording', status: 'delivered', attempts: 1 }])

    const [row] = await sql`
      select consecutive_failure_count, status from cronwarden.cron_execution_logs
      where run_id = ${second?.run_id ?? ''}`
    expect(row).toEqual({ consecutive_failure_count: 2, status: 'failed' })
  })

  it('writes consecutive_failure_count 0 in the new row when a success follows two failures', async () => {
    const jobName = 'reset-job'
    const store = createSupabaseStore({ db: sql })
    const options = { jobName, store, logger: silentLogger, notifiers: [createRecordingNotifier()] }
    const fail = withFailureAlerting(failingJob('down'), options)
    await expect(fail()).rejects.toThrow()
    await expect(fail()).rejects.toThrow()
    await withFailureAlerting(async () => undefined, options)()
    const rows = await sql`
      select status, consecutive_failure_count from cronwarden.cron_execution_logs
      where job_name = ${jobName} order by started_at desc, id desc`
    expect(rows.map((row) => [row.status, row.consecutive_failure_count])).toEqual([
      ['succeeded', 0],
      ['failed', 2],
      ['failed', 1],
    ])
    const [state] =
      await sql`select consecutive_failure_count, down_since from cronwarden.cron_job_state where job_name = ${jobName}`
    expect(state).toEqual({ consecutive_failure_count: 0, down_since: null })
  })

  it('counts 50 concurrent failing runs 1..50 through 10 connections, with exactly one alert', async () => {
    const jobName = 'concurrent-job'
    const store = createSupabaseStore({ db: sql })
    const notifier = createRecordingNotifier()
    const run = withFailureAlerting(failingJob('down'), {
      jobName,
      store,
      notifiers: [notifier],
      lock: false,
      logger: silentLogger,
    })
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => run()))
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(50)
    const counts = await sql`
      select consecutive_failure_count as count from cronwarden.cron_execution_logs
      where job_name = ${jobName} order by consecutive_failure_count`
    expect(counts.map((row) => row.count)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1))
    const [state] =
      await sql`select consecutive_failure_count from cronwarden.cron_job_state where job_name = ${jobName}`
    expect(state?.consecutive_failure_count).toBe(50)
    expect(notifier.events).toHaveLength(1)
    expect(notifier.events[0]).toMatchObject({ consecutive_failure_count: 2 })
    const [backends] = await sql`
      select count(*)::int as connections from pg_stat_activity where datname = ${database.name}`
    expect(backends?.connections).toBeGreaterThanOrEqual(4)
  })
})
