// The README's "Roles and grants", run as written on a Supabase-shaped server: the database's
// owner is a non-superuser (Supabase's `postgres`), a least-privilege worker gets the README's
// grants and nothing else, and `service_role` is reached the way PostgREST reaches it.
import {
  type AlertEvent,
  checkMissedRuns,
  deliverPendingAlerts,
  type Logger,
  withFailureAlerting,
} from '@cronwarden/core'
import { createRecordingNotifier } from '@cronwarden/core/testing'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { createSupabaseStore, migrate, purgeRuns, readJobHealth } from '../src/index.js'
import { readmeSqlBlock } from './support/query-plans.js'
import { createSupabaseDatabase, type SupabaseDatabase } from './support/supabase-database.js'
import { supabaseRoles } from './support/supabase-roles.js'

const available = await serverAvailable()

/** True when `error`, or an error in its `cause` chain, is PostgreSQL's insufficient_privilege. */
function permissionDenied(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if ((current as { code?: unknown }).code === '42501') return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

interface Cycle {
  /** Everything that went wrong: rejected calls, and errors cronwarden reported and handled. */
  errors: unknown[]
  events: AlertEvent[]
  /** What each heartbeat answered (true: the lease was renewed). */
  heartbeats: boolean[]
}

/**
 * What a worker does with the store, under one new job name: a success that runs past its
 * maxRuntimeMs (a `long_running` event, enqueued and delivered), with the lease heartbeat when
 * `heartbeat`; two failures (one `consecutive_failures` alert, claimed and recorded); a sweep
 * of pending alerts; a missed-run check; and the reads (`listRuns`, `listAlerts`,
 * `readJobHealth`).
 */
async function runCycle(db: postgres.Sql, jobName: string, options: { heartbeat: boolean }): Promise<Cycle> {
  const errors: unknown[] = []
  const logger: Logger = {
    info() {},
    warn() {},
    error: (_message, fields) => void errors.push(fields?.error ?? _message),
  }
  const store = createSupabaseStore({ db })
  const heartbeats: boolean[] = []
  const heartbeat = store.heartbeat.bind(store)
  store.heartbeat = async (input) => {
    const renewed = await heartbeat(input)
    heartbeats.push(renewed)
    return renewed
  }
  const notifier = createRecordingNotifier()
  const wrap = (job: () => Promise<unknown>) =>
    withFailureAlerting(job, {
      jobName,
      store,
      notifiers: [notifier],
      logger,
      onInternalError: (error) => void errors.push(error),
      // The heartbeat renews the lease every leaseMs / 3 (at least 1000 ms / 3).
      lock: { leaseMs: 1_000 },
      maxRuntimeMs: 20,
      storeTimeoutMs: 5_000,
    })
  const settle = (promise: Promise<unknown>) => promise.catch((error: unknown) => void errors.push(error))
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  await settle(wrap(() => pause(options.heartbeat ? 450 : 40))())
  for (const attempt of [1, 2]) {
    await wrap(async () => {
      throw new Error(`down ${attempt}`)
    })().catch((error: unknown) => {
      if (!(error instanceof Error && error.message === `down ${attempt}`)) errors.push(error)
    })
  }
  await settle(deliverPendingAlerts({ store, notifiers: [notifier], jobs: [jobName], logger }))
  await settle(
    checkMissedRuns({
      store,
      notifiers: [notifier],
      logger,
      jobs: [{ jobName: `${jobName}-nightly`, schedule: '0 3 * * *', since: new Date(Date.now() - 2 * 86_400_000) }],
    }),
  )
  await settle(store.listRuns({ jobName }))
  await settle(store.listAlerts({ jobName }))
  await settle(readJobHealth({ db, jobs: [jobName] }))
  return { errors, events: notifier.events, heartbeats }
}

describe.skipIf(!available)('roles and grants on a Supabase-shaped server', () => {
  let db: SupabaseDatabase
  let worker: postgres.Sql
  const { owner, worker: workerRole } = supabaseRoles
  let workerGrants: string[]
  let jobs = 0
  const nextJob = () => `roles-job-${++jobs}`

  beforeAll(async () => {
    db = await createSupabaseDatabase()
    worker = postgres(db.urlAs(workerRole), { prepare: false, max: 2, onnotice: () => {} })
    workerGrants = (await readmeSqlBlock('A role that runs jobs')).map((statement) =>
      statement.replaceAll('cronwarden_worker', workerRole),
    )
  })
  afterAll(async () => {
    await worker?.end({ timeout: 5 })
    await db?.drop()
  })

  it('migrates as a non-superuser owner, as postgres on Supabase, and none of the functions is SECURITY DEFINER', async () => {
    const [who] = await db.sql`
      select current_user as role, rolsuper as superuser, pg_get_userbyid(nspowner) as schema_owner
      from pg_roles, pg_namespace where rolname = current_user and nspname = 'cronwarden'`
    expect(who).toEqual({ role: owner, superuser: false, schema_owner: owner })
    const definers = await db.sql`
      select proname from pg_proc where pronamespace = 'cronwarden'::regnamespace and prosecdef`
    expect(definers).toEqual([])
  })

  it('runs nothing as a role without grants', async () => {
    const cycle = await runCycle(worker, nextJob(), { heartbeat: false })
    expect(cycle.errors.length).toBeGreaterThan(0)
    expect(cycle.errors.every(permissionDenied)).toBe(true)
    expect(cycle.events).toEqual([])
  })

  it("runs a wrapped job's whole cycle with the README's grants: heartbeat, long_running, the alert, missed runs, reads", async () => {
    for (const statement of workerGrants) await db.sql.unsafe(statement)
    const jobName = nextJob()
    const cycle = await runCycle(worker, jobName, { heartbeat: true })
    expect(cycle.errors).toEqual([])
    expect(cycle.events.map((event) => event.type).sort()).toEqual([
      'consecutive_failures',
      'long_running',
      // Two missed times of the nightly job: a streak of two, which alerts once.
      'missed_run',
    ])
    expect(cycle.heartbeats).toContain(true)
  })

  it('needs every privilege the README grants: without any one of them the cycle fails', async () => {
    const revocations = workerGrants.flatMap((statement) => {
      const grant = /^grant\s+(.+?)\s+on\s+(schema\s+|all functions in schema\s+|function\s+)?(.+?)\s+to\s+\S+$/is.exec(
        statement,
      )
      if (!grant) return [] // alter default privileges: checked below.
      const [, privileges = '', kind = '', objects = ''] = grant
      return privileges
        .split(',')
        .flatMap((privilege) =>
          objects
            .split(',')
            .map((object) => `revoke ${privilege.trim()} on ${kind}${object.trim()} from ${workerRole}`),
        )
    })
    // usage, execute, and select / insert / update on each of the three tables.
    expect(revocations).toHaveLength(11)
    for (const revoke of revocations) {
      await db.sql.unsafe(revoke)
      try {
        const cycle = await runCycle(worker, nextJob(), { heartbeat: false })
        expect(cycle.errors.filter(permissionDenied), revoke).not.toEqual([])
      } finally {
        for (const statement of workerGrants) await db.sql.unsafe(statement)
      }
    }
  })

  it('cannot migrate, purge, delete, read what it was not given, or create anything in cronwarden', async () => {
    for (const statement of workerGrants) await db.sql.unsafe(statement)
    const refused = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => new Error('expected permission denied, but it succeeded'),
        (caught: unknown) => caught,
      )
      expect(permissionDenied(error), String(error)).toBe(true)
    }
    await refused(migrate(worker))
    await refused(purgeRuns(worker, 1))
    await refused(worker.unsafe('delete from cronwarden.cron_execution_logs'))
    await refused(worker.unsafe('select * from cronwarden.schema_migrations'))
    await refused(worker.unsafe('select * from cronwarden.pg_cron_cursor'))
    await refused(worker.unsafe('create table cronwarden.intruder (id int)'))
    await refused(
      worker.unsafe(
        'create or replace function cronwarden.epoch_ms(ts timestamptz) returns bigint language sql as $$ select 0::bigint $$',
      ),
    )
  })

  it('may execute a function a later migration adds, through the default privileges', async () => {
    for (const statement of workerGrants) await db.sql.unsafe(statement)
    await db.sql.unsafe(`create function cronwarden.added_later() returns int language sql as 'select 1'`)
    try {
      expect(await worker.unsafe('select cronwarden.added_later() as one')).toEqual([{ one: 1 }])
    } finally {
      await db.sql.unsafe('drop function cronwarden.added_later()')
    }
  })

  it("runs the cycle as service_role (through authenticator) once given the README's grants, and nothing before", async () => {
    const asService = postgres(db.urlAs(supabaseRoles.authenticator), {
      prepare: false,
      max: 2,
      onnotice: () => {},
      connection: { role: supabaseRoles.serviceRole },
    })
    try {
      const [who] = await asService`select current_user as role, session_user as login`
      expect(who).toEqual({ role: supabaseRoles.serviceRole, login: supabaseRoles.authenticator })
      const before = await runCycle(asService, nextJob(), { heartbeat: false })
      expect(before.errors.length).toBeGreaterThan(0)
      expect(before.errors.every(permissionDenied)).toBe(true)

      for (const statement of workerGrants) {
        await db.sql.unsafe(statement.replaceAll(workerRole, supabaseRoles.serviceRole))
      }
      const after = await runCycle(asService, nextJob(), { heartbeat: false })
      expect(after.errors).toEqual([])
      expect(after.events.map((event) => event.type)).toContain('consecutive_failures')
    } finally {
      await asService.end({ timeout: 5 })
    }
  })
})
