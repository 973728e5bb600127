import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { silentLogger } from '@cronwarden/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { ensureSlackWebhookSecret, prepareMonitoringSchema } from '../src/monitoring-setup.js'
import { type ReminderSink, startReminderSink } from '../src/reminder-sink.js'
import { createAssignment, createMentor, lastContactDate } from '../src/seed.js'
import { type SlackSink, startSlackSink } from '../src/slack-sink.js'
import { createReminderCron, JOB_NAME } from '../supabase/functions/_shared/compose.ts'
import {
  createHttpReminderSender,
  type HttpReminderSender,
} from '../supabase/functions/_shared/http-reminder-sender.ts'
import { createSupabaseMonitoring } from '../supabase/functions/_shared/monitoring.ts'
import { createServerDatabase, type ServerDatabase } from './support/databases.js'
import {
  copySupabaseFolder,
  type RunningFunction,
  type SupabaseCopy,
  startFunction,
  stopFunction,
} from './support/edge-functions.js'
import { createSigningKey, type SupabaseAuthStandIn, startSupabaseAuth } from './support/supabase-auth.js'

// Every function runs from a copy of the example's supabase/ folder alone, in a temporary
// directory, with its own deno.json: what `supabase functions deploy` uploads. An import
// that reaches outside supabase/functions, or a bare name its deno.json does not map, fails
// there as it would on deploy.
const hasServer = await serverAvailable()
/** Where the functions point when there is no server: the tests that need none still run. */
const NO_DATABASE = 'postgres://postgres@127.0.0.1:1/unreachable'
const cronSecret = 'test-cron-secret-0123456789abcdef0123456789abcdef'

let copy: SupabaseCopy
let auth: SupabaseAuthStandIn
beforeAll(async () => {
  copy = await copySupabaseFolder()
  auth = await startSupabaseAuth([await createSigningKey('ES256')])
})
afterAll(async () => {
  await auth?.close()
  await copy?.remove()
})

/** What a deploy does once: cronwarden's migrations, the Slack webhook URL and the cron secret in Vault. */
async function prepareDeploy(server: ServerDatabase, slack: SlackSink) {
  await prepareMonitoringSchema(server.pool)
  await ensureSlackWebhookSecret(server.db, slack.url)
  await server.db.query(`select vault.create_secret($1, 'reminder_cron_secret')`, [cronSecret])
}

async function post(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers, body: '{}' })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('the functions import nothing from outside supabase/functions', () => {
  it('names every relative import with its .ts file, inside supabase/functions (no sloppy imports on deploy)', async () => {
    const functionsDir = copy.functionsDir
    const files = (await readdir(functionsDir, { recursive: true }))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => join(functionsDir, file))
    expect(files.length).toBeGreaterThan(3)
    const problems: string[] = []
    for (const file of files) {
      const source = await readFile(file, 'utf8')
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']*)'/g)) {
        const target = resolve(dirname(file), specifier as string)
        const inside = !relative(functionsDir, target).startsWith(`..${sep}`)
        if (!inside || !specifier?.endsWith('.ts')) problems.push(`${relative(functionsDir, file)}: ${specifier}`)
      }
    }
    expect(problems).toEqual([])
  })
})

describe('the admin Edge Function under Deno', () => {
  let server: ServerDatabase | undefined
  let edge: RunningFunction | undefined
  let assignmentId: number

  beforeAll(async () => {
    if (hasServer) {
      server = await createServerDatabase()
      const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
      assignmentId = await createAssignment(server.db, { mentorId, lastContactDate: new Date('2026-01-10T08:00:00Z') })
    }
    // The first run downloads the npm: packages into Deno's cache.
    edge = await startFunction(copy, 'reminder-admin', {
      SUPABASE_DB_URL: server?.url ?? NO_DATABASE,
      SUPABASE_URL: auth.url,
      LEGACY_JWT_SECRET: auth.jwtSecret,
    })
  }, 180_000)
  afterAll(async () => {
    await stopFunction(edge)
    await server?.drop()
  })

  const correct = async (bearer: string | null, date = '2026-01-02') =>
    fetch(`${edge?.url}/reminder-admin/assignments/${assignmentId ?? 1}/last-contact-date`, {
      method: 'POST',
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      body: JSON.stringify({ last_contact_date: date, reason: 'entered on paper' }),
    })

  it('answers 401 without a token or with another issuer, and 403 for a mentor', async () => {
    expect((await correct(null)).status).toBe(401)
    const elsewhere = await auth.userToken(
      { app_metadata: { role: 'admin' } },
      { issuer: 'https://other.example/auth/v1' },
    )
    expect((await correct(elsewhere)).status).toBe(401)
    expect((await correct(await auth.userToken({ app_metadata: { role: 'mentor' } }))).status).toBe(403)
  })

  it.skipIf(!hasServer)(
    "sets the date and writes the audit row for a coordinator, verified against the project's JWKS",
    async () => {
      const coordinator = await auth.userToken({ sub: 'coordinator-1', app_metadata: { role: 'coordinator' } })
      const response = await correct(coordinator)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({
        assignment: { id: assignmentId, last_contact_date: '2026-01-02T00:00:00.000Z' },
      })
      const db = (server as ServerDatabase).db
      expect(await lastContactDate(db, assignmentId)).toEqual(new Date('2026-01-02T00:00:00Z'))
      const legacy = await auth.userToken(
        { sub: 'coordinator-2', app_metadata: { role: 'coordinator' } },
        { key: 'legacy' },
      )
      expect((await correct(legacy, '2026-01-01')).status).toBe(200)
      const { rows } = await db.query<{ actor: string; reason: string }>(
        'select actor, reason from reminders.admin_audit_log where assignment_id = $1 order by id',
        [assignmentId],
      )
      expect(rows).toEqual([
        { actor: 'coordinator-1', reason: 'entered on paper' },
        { actor: 'coordinator-2', reason: 'entered on paper' },
      ])
    },
  )
})

describe('the dispatch Edge Function under Deno', () => {
  let server: ServerDatabase | undefined
  let sink: ReminderSink
  let slack: SlackSink
  let edge: RunningFunction | undefined

  beforeAll(async () => {
    sink = await startReminderSink()
    slack = await startSlackSink()
    if (hasServer) {
      server = await createServerDatabase()
      await prepareDeploy(server, slack)
      const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
      for (const daysAgo of [15, 20, 3]) {
        await createAssignment(server.db, { mentorId, lastContactDate: new Date(Date.now() - daysAgo * 86_400_000) })
      }
    }
    edge = await startFunction(copy, 'reminder-dispatch', {
      SUPABASE_DB_URL: server?.url ?? NO_DATABASE,
      REMINDER_SERVICE_URL: sink.url,
      SUPABASE_URL: auth.url,
      LEGACY_JWT_SECRET: auth.jwtSecret,
    })
  }, 180_000)
  afterAll(async () => {
    await stopFunction(edge)
    await sink?.close()
    await slack?.close()
    await server?.drop()
  })

  const invoke = (headers: Record<string, string> = {}) => post(`${edge?.url}/reminder-dispatch`, headers)
  const asScheduler = () => invoke({ 'x-cron-secret': cronSecret })
  const runs = async () => {
    const { rows } = await (server as ServerDatabase).db.query<{ status: string; consecutive_failure_count: number }>(
      `select status, consecutive_failure_count from cronwarden.cron_execution_logs
        where job_name = 'assignment-follow-up-reminders' order by started_at desc, id desc`,
    )
    return rows.map((row) => [row.status, row.consecutive_failure_count])
  }

  it('answers 401 without credentials, before touching the database', async () => {
    expect(await invoke()).toEqual({ status: 401, body: { ok: false, error: 'missing credentials' } })
    expect(sink.byKey.size).toBe(0)
  })

  it.skipIf(!hasServer)(
    'answers 401/403 to a wrong secret, the anon key, a publishable key and a user token, and starts nothing',
    async () => {
      expect((await invoke({ 'x-cron-secret': `${cronSecret}x` })).status).toBe(401)
      expect((await invoke({ authorization: `Bearer ${await auth.legacyApiKey('anon')}` })).status).toBe(403)
      expect((await invoke({ authorization: 'Bearer sb_publishable_0123456789abcdef' })).status).toBe(401)
      const user = await auth.userToken({ app_metadata: { role: 'admin' } })
      expect((await invoke({ authorization: `Bearer ${user}` })).status).toBe(403)
      expect(await runs()).toEqual([])
      expect(sink.byKey.size).toBe(0)
    },
  )

  it.skipIf(!hasServer)(
    'runs when called as supabase/schedule.sql calls it (the secret from Vault), sending each due reminder once',
    async () => {
      const db = (server as ServerDatabase).db
      // pg_cron and pg_net stand-ins that record what the schedule asks for: the same calls,
      // with the project URL read from Vault pointing at the function under Deno.
      await db.exec(`
        create schema cron;
        create table cron.jobs (name text primary key, schedule text, command text);
        create function cron.schedule(job_name text, schedule text, command text) returns bigint
          language sql as $$ insert into cron.jobs values (job_name, schedule, command) returning 1::bigint $$;
        create schema net;
        create table net.requests (url text, headers jsonb, body jsonb);
        create function net.http_post(url text, body jsonb default '{}', params jsonb default '{}',
                                      headers jsonb default '{}', timeout_milliseconds int default 5000)
          returns bigint language sql as $$ insert into net.requests values (url, headers, body) returning 1::bigint $$;
      `)
      await db.query(`select vault.create_secret($1, 'project_url')`, [edge?.url])
      const schedule = await readFile(new URL('../supabase/schedule.sql', import.meta.url), 'utf8')
      await db.exec(schedule.replace(/^create extension .*$/gim, ''))
      const { rows: jobs } = await db.query<{ command: string }>(
        `select command from cron.jobs where name = 'assignment-follow-up-reminders'`,
      )
      await db.exec(jobs[0]?.command ?? 'missing job')
      const { rows: requests } = await db.query<{ url: string; headers: Record<string, string> }>(
        'select url, headers from net.requests',
      )
      // The secret, and no key: a leaked anon or service key must not be what the schedule needs.
      expect(requests).toEqual([
        {
          url: `${edge?.url}/functions/v1/reminder-dispatch`,
          headers: { 'Content-Type': 'application/json', 'x-cron-secret': cronSecret },
        },
      ])
      const [request] = requests as [{ url: string; headers: Record<string, string> }]
      expect(await post(request.url, request.headers)).toEqual({
        status: 200,
        body: { ok: true, summary: { due: 2, sent: 2, failed: 0, already_sent: 0, first_error: null } },
      })
      expect(sink.byKey.size).toBe(2)
      expect([...sink.byKey.values()]).toEqual([1, 1])
    },
  )

  it.skipIf(!hasServer)('runs for a service_role key too, and sends nothing already sent', async () => {
    const response = await invoke({ authorization: `Bearer ${await auth.legacyApiKey('service_role')}` })
    expect(response).toMatchObject({ status: 200, body: { ok: true, summary: { due: 0, sent: 0 } } })
    expect([...sink.byKey.values()]).toEqual([1, 1])
  })

  it.skipIf(!hasServer)('answers 500 with the run error when the push service is down', async () => {
    const db = (server as ServerDatabase).db
    await createAssignment(db, {
      mentorId: await createMentor(db, 'Mentor B', 'mentor-b@example.org'),
      lastContactDate: new Date(Date.now() - 30 * 86_400_000),
    })
    sink.setDown(true)
    expect(await asScheduler()).toEqual({
      status: 500,
      body: { ok: false, error: '1 of 1 reminder sends failed (first error: reminder service answered 503)' },
    })
    expect(slack.messages).toHaveLength(0)
  })

  it.skipIf(!hasServer)(
    'alerts Slack once, through the Vault-held URL, when the second run in a row fails',
    async () => {
      expect((await asScheduler()).status).toBe(500)
      expect((await asScheduler()).status).toBe(500)
      expect(slack.messages).toHaveLength(1)
      expect(String(slack.messages[0]?.text)).toMatch(/assignment-follow-up-reminders.* failed 2 times in a row/)
      expect(await runs()).toEqual([
        ['failed', 3],
        ['failed', 2],
        ['failed', 1],
        ['succeeded', 0],
        ['succeeded', 0],
      ])
    },
  )
})

describe('the alert-sweeper Edge Function under Deno', () => {
  let server: ServerDatabase | undefined
  let sink: ReminderSink
  let slack: SlackSink
  let sender: HttpReminderSender
  let edge: RunningFunction | undefined

  beforeAll(async () => {
    sink = await startReminderSink()
    slack = await startSlackSink()
    sender = createHttpReminderSender({ url: sink.url })
    if (hasServer) {
      server = await createServerDatabase()
      await prepareDeploy(server, slack)
      await createAssignment(server.db, {
        mentorId: await createMentor(server.db, 'Mentor A', 'mentor-a@example.org'),
        lastContactDate: new Date(Date.now() - 20 * 86_400_000),
      })
    }
    edge = await startFunction(copy, 'alert-sweeper', {
      SUPABASE_DB_URL: server?.url ?? NO_DATABASE,
      SUPABASE_URL: auth.url,
      LEGACY_JWT_SECRET: auth.jwtSecret,
    })
  }, 180_000)
  afterAll(async () => {
    await stopFunction(edge)
    await sender?.close()
    await sink?.close()
    await slack?.close()
    await server?.drop()
  })

  const sweep = (headers: Record<string, string> = { 'x-cron-secret': cronSecret }) =>
    post(`${edge?.url}/alert-sweeper`, headers)

  it('answers 401 without credentials', async () => {
    expect(await sweep({})).toEqual({ status: 401, body: { ok: false, error: 'missing credentials' } })
  })

  it.skipIf(!hasServer)(
    'delivers the alert Slack refused when the job failed twice, once, and nothing on the next sweep',
    async () => {
      const { db, pool } = server as ServerDatabase
      // The production composition, as the reminder-dispatch function wires it, with retries
      // due after 1 ms instead of 30 s so the test need not wait.
      const runReminders = createReminderCron({
        db,
        sender,
        ...createSupabaseMonitoring(pool),
        retryDelayMs: 1,
        logger: silentLogger,
      })
      sink.setDown(true)
      slack.setDown(true)
      await expect(runReminders()).rejects.toThrow('reminder sends failed')
      await expect(runReminders()).rejects.toThrow('reminder sends failed')
      const store = createSupabaseMonitoring(pool).store
      const [pending] = await store.listAlerts({ jobName: JOB_NAME })
      expect(pending).toMatchObject({ status: 'pending', event_type: 'consecutive_failures' })
      expect(pending?.notifiers).toEqual([
        expect.objectContaining({ notifier: 'slack', status: 'failed', attempts: 1 }),
      ])
      expect(slack.messages).toHaveLength(0)

      slack.setDown(false)
      expect(await sweep()).toEqual({ status: 200, body: { ok: true, sent: 1 } })
      expect(slack.messages).toHaveLength(1)
      expect(String(slack.messages[0]?.text)).toMatch(/assignment-follow-up-reminders.* failed 2 times in a row/)
      expect(await sweep()).toEqual({ status: 200, body: { ok: true, sent: 0 } })
      expect(slack.messages).toHaveLength(1)
      const [delivered] = await store.listAlerts({ jobName: JOB_NAME })
      expect(delivered).toMatchObject({ alert_id: pending?.alert_id, status: 'delivered' })
      expect(delivered?.notifiers).toEqual([
        expect.objectContaining({ notifier: 'slack', status: 'delivered', attempts: 2 }),
      ])
    },
  )
})
