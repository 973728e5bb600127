import { createMemoryStore, OptionsError, silentLogger } from '@cronwarden/core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type NodeServer, serveNode } from '../src/node-server.ts'
import { type ReminderSink, startReminderSink } from '../src/reminder-sink.ts'
import { createAssignment, createMentor } from '../src/seed.ts'
import { createAdminHandler } from '../supabase/functions/_shared/admin-handler.ts'
import { createReminderCron, JOB_NAME } from '../supabase/functions/_shared/compose.ts'
import { createCronEndpoint } from '../supabase/functions/_shared/cron-endpoint.ts'
import type { Db } from '../supabase/functions/_shared/db.ts'
import {
  createHttpReminderSender,
  type HttpReminderSender,
} from '../supabase/functions/_shared/http-reminder-sender.ts'
import { databaseBackends } from './support/databases.ts'
import {
  createSigningKey,
  type SupabaseAuthStandIn,
  startSupabaseAuth,
  unsignedToken,
} from './support/supabase-auth.ts'

const cronSecret = 'cron-secret-for-tests-0123456789abcdef0123456789'
// The server when it answers (a database in a fraction of a second), PGlite otherwise.
const backend = (await databaseBackends()).at(-1)

describe(`who may start the reminder cron (createCronEndpoint over node:http, on ${backend?.name})`, () => {
  let database: { db: Db; close: () => Promise<void> }
  let auth: SupabaseAuthStandIn
  let sink: ReminderSink
  let sender: HttpReminderSender
  let server: NodeServer
  let store: ReturnType<typeof createMemoryStore>
  let storedSecret: () => Promise<string>

  beforeAll(async () => {
    database = await (backend as NonNullable<typeof backend>).open()
    auth = await startSupabaseAuth([await createSigningKey('ES256')])
    sink = await startReminderSink()
    sender = createHttpReminderSender({ url: sink.url })
    store = createMemoryStore()
    const runReminders = createReminderCron({ db: database.db, sender, store, notifiers: [], logger: silentLogger })
    server = await serveNode(
      createCronEndpoint({
        run: async () => ({ summary: await runReminders() }),
        // Read per call, as the Edge Function reads it from Vault.
        cronSecret: () => storedSecret(),
        supabaseUrl: auth.url,
        jwtSecret: auth.jwtSecret,
        logger: silentLogger,
      }),
    )
    await addDueReminder()
  })
  beforeEach(() => {
    storedSecret = async () => cronSecret
  })
  afterAll(async () => {
    await server?.close()
    await sender?.close()
    await sink?.close()
    await auth?.close()
    await database?.close()
  })

  const call = async (headers: Record<string, string>) => {
    const response = await fetch(server.url, { method: 'POST', headers, body: '{}' })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  /** One more reminder owed, so a run that starts sends something. */
  async function addDueReminder() {
    await createAssignment(database.db, {
      mentorId: await createMentor(database.db, 'Mentor', `mentor-${crypto.randomUUID()}@example.org`),
      lastContactDate: new Date(Date.now() - 20 * 86_400_000),
    })
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const started = async () => ({
    runs: (await store.listRuns({ jobName: JOB_NAME })).length,
    sent: sink.received.length,
  })

  it('answers 401 without credentials, a wrong secret or a token the project did not sign, and starts nothing', async () => {
    expect(await call({})).toEqual({ status: 401, body: { ok: false, error: 'missing credentials' } })
    for (const headers of [
      { 'x-cron-secret': `${cronSecret}x` },
      { 'x-cron-secret': cronSecret.slice(0, -1) },
      { 'x-cron-secret': '' },
      bearer('sb_publishable_0123456789abcdef'),
      bearer(unsignedToken({ role: 'service_role' })),
      bearer(await auth.userToken({ role: 'service_role' }, { key: await createSigningKey('ES256') })),
    ]) {
      expect((await call(headers)).status).toBe(401)
    }
    expect(await started()).toEqual({ runs: 0, sent: 0 })
  })

  it("answers 403 for the anon key and a signed-in user's token (an admin's too), and starts nothing", async () => {
    expect(await call(bearer(await auth.legacyApiKey('anon')))).toEqual({
      status: 403,
      body: { ok: false, error: 'requires the service_role' },
    })
    expect((await call(bearer(await auth.userToken({ app_metadata: { role: 'admin' } })))).status).toBe(403)
    expect(await started()).toEqual({ runs: 0, sent: 0 })
  })

  it('answers 503 and starts nothing when the secret cannot be read, or is too short to be one', async () => {
    storedSecret = () => Promise.reject(new Error('vault.decrypted_secrets: permission denied'))
    expect(await call({ 'x-cron-secret': cronSecret })).toEqual({
      status: 503,
      body: { ok: false, error: 'cannot check the caller right now' },
    })
    storedSecret = async () => 'short'
    expect((await call({ 'x-cron-secret': 'short' })).status).toBe(503)
    expect(await started()).toEqual({ runs: 0, sent: 0 })
  })

  it("starts a run for the scheduler's secret (x-cron-secret)", async () => {
    expect(await call({ 'x-cron-secret': cronSecret })).toEqual({
      status: 200,
      body: { ok: true, summary: { due: 1, sent: 1, failed: 0, already_sent: 0, first_error: null } },
    })
    expect(await started()).toEqual({ runs: 1, sent: 1 })
  })

  it("starts a run for a service_role token: the legacy key, or one signed with the project's key", async () => {
    await addDueReminder()
    expect((await call(bearer(await auth.legacyApiKey('service_role')))).status).toBe(200)
    await addDueReminder()
    expect((await call(bearer(await auth.userToken({ role: 'service_role' }, { audience: null })))).status).toBe(200)
    expect(await started()).toEqual({ runs: 3, sent: 3 })
  })
})

describe('createCronEndpoint and createAdminHandler options', () => {
  const endpoint = { run: async () => ({}), cronSecret: async () => cronSecret }

  it('require the project URL, and refuse a short legacy secret or a misspelled option', () => {
    expect(() => createCronEndpoint({ ...endpoint, supabaseUrl: 'not a url' })).toThrow(OptionsError)
    expect(() => createCronEndpoint({ ...endpoint, supabaseUrl: 'https://x.supabase.co', jwtSecret: 'short' })).toThrow(
      /jwtSecret: expected the legacy JWT secret \(at least 32 characters\)/,
    )
    expect(() =>
      createCronEndpoint({ ...endpoint, supabaseUrl: 'https://x.supabase.co', cronSecrets: 'x' } as never),
    ).toThrow(/cronSecrets: unknown option/)
    const db = { query: async () => ({ rows: [] }), exec: async () => {} }
    expect(() => createAdminHandler({ db } as never)).toThrow(/supabaseUrl/)
  })
})
