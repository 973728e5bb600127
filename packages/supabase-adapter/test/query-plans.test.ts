// Which indexes the reads across jobs and the retention use, on a log of 200,000 runs of 500
// jobs over 90 days (seeded with generate_series, then VACUUM ANALYZE). Plans, not timings:
// bench/job-health.ts measures the time.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { fleetSeedStatements } from './support/fleet-seed.js'
import {
  explain,
  indexesUsed,
  nestedPlans,
  type PlanNode,
  planNodes,
  readmeQuery,
  scansOf,
} from './support/query-plans.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { supabaseRoles } from './support/supabase-roles.js'

const available = await serverAvailable()

const LOG = 'cron_execution_logs'
const BRIN = 'cron_execution_logs_started_brin'

describe.skipIf(!available)('query plans on 200,000 runs of 500 jobs', () => {
  let database: SupabaseDatabase
  let client: pg.Client
  // auto_explain needs a superuser to LOAD it; the calls it plans run as the owner (role).
  let superuser: pg.Client
  const owner = supabaseRoles.owner

  beforeAll(async () => {
    database = await createSupabaseDatabase()
    client = new pg.Client({ connectionString: database.url })
    await client.connect()
    superuser = new pg.Client({ connectionString: database.superuserUrl })
    await superuser.connect()
    const seed = { runs: 200_000, jobs: 500, days: 90, runningEvery: 25, alerts: 20_000, alertDays: 90 }
    for (const statement of fleetSeedStatements(seed)) await client.query(statement)
  }, 60_000)
  afterAll(async () => {
    await client?.end()
    await superuser?.end()
    await database?.drop()
  })

  /** The plan of the statement inside a function call whose text contains `marker`. */
  const planInside = async (call: string, marker: string): Promise<PlanNode> => {
    const { plans } = await nestedPlans(superuser, call, { role: owner })
    const found = plans.find((logged) => logged.query.includes(marker))
    if (!found) throw new Error(`no statement containing "${marker}" ran in ${call}`)
    return found.plan
  }

  it('reads every job health without a sequential scan of the log: strips and running runs go through the job index', async () => {
    const plan = await planInside('select cronwarden.job_health(null, 20, 604800000)', 'cron_job_state as job')
    const logScans = scansOf(plan, LOG)
    expect(logScans.length).toBeGreaterThan(0)
    expect(logScans.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([])
    expect(indexesUsed(plan)).toContain('cron_execution_logs_job_started_idx')
    expect(indexesUsed(plan)).toContain('cron_alerts_pending_idx')
    expect(indexesUsed(plan)).toContain('cron_alerts_job_created_idx')
  })

  it('gives the same plan shape for a few named jobs', async () => {
    const plan = await planInside(
      `select cronwarden.job_health(array['job-0001', 'job-0025'], 20, 604800000)`,
      'cron_job_state as job',
    )
    expect(scansOf(plan, LOG).filter((scan) => scan.startsWith('Seq Scan'))).toEqual([])
  })

  it("counts the last 24 hours' failures through the BRIN index on started_at", async () => {
    const plan = await explain(client, await readmeQuery('Failures in the last 24 hours'))
    expect(indexesUsed(plan)).toContain(BRIN)
    expect(scansOf(plan, LOG)).not.toContain('Seq Scan')
    // The query as the issue wrote it, too.
    const asWritten = await explain(
      client,
      `select job_name, count(*) from cronwarden.cron_execution_logs
       where started_at > now() - interval '24 hours' and status in ('failed','abandoned') group by job_name`,
    )
    expect(indexesUsed(asWritten)).toContain(BRIN)
  })

  it("finds the README's stuck runs through the jobs' open-run counts, with no sequential scan of the log", async () => {
    const plan = await explain(client, await readmeQuery('Anything stuck right now'))
    const logScans = scansOf(plan, LOG)
    expect(logScans.length).toBeGreaterThan(0)
    expect(logScans.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([])
    // What the README used to say: the whole log, read for status = 'running'.
    const old = await explain(
      client,
      `select job_name, run_id, started_at, lease_expires_at, host from cronwarden.cron_execution_logs where status = 'running'`,
    )
    expect(scansOf(old, LOG).some((scan) => scan.includes('Seq Scan'))).toBe(true)
    // And it finds them all: one per seeded running job.
    const { rows } = await client.query(await readmeQuery('Anything stuck right now'))
    expect(rows).toHaveLength(20)
  })

  it("purges a day's runs and entries through the BRIN indexes, in one go and in batches", async () => {
    for (const call of ['select cronwarden.purge(89)', 'select cronwarden.purge(89, 100000)']) {
      const { plans } = await nestedPlans(superuser, call, { role: owner })
      const deletes = plans.filter((logged) => /^\s*delete from cronwarden\.cron_execution_logs/.test(logged.query))
      expect(deletes, call).toHaveLength(1)
      const plan = deletes[0]?.plan as PlanNode
      expect(indexesUsed(plan), call).toContain(BRIN)
      expect(scansOf(plan, LOG), call).not.toContain('Seq Scan')
      const entries = plans.find((logged) => /^\s*delete from cronwarden\.cron_alerts/.test(logged.query))
      expect(entries && indexesUsed(entries.plan), call).toContain('cron_alerts_created_brin')
    }
  })

  it('plans each batch with its real cutoff, even after many calls on one connection (no generic plan)', async () => {
    const batch = 'select cronwarden.purge(89, 1000)'
    // On the connection planInside then uses, as the role it runs the call as.
    await superuser.query('begin')
    try {
      await superuser.query(`set local role ${owner}`)
      // PL/pgSQL may switch to a generic plan after five calls; a generic plan cannot know
      // how few rows `started_at < cutoff` selects.
      for (let i = 0; i < 8; i++) await superuser.query(batch)
    } finally {
      await superuser.query('rollback')
    }
    const plan = await planInside(batch, 'delete from cronwarden.cron_execution_logs')
    const conditions = planNodes(plan).flatMap((node) =>
      ['Index Cond', 'Recheck Cond', 'Filter'].map((key) => node[key]).filter((value) => typeof value === 'string'),
    )
    expect(conditions.some((condition) => /started_at < '[^']+'::timestamp with time zone/.test(condition))).toBe(true)
    expect(indexesUsed(plan)).toContain(BRIN)
  })
})
