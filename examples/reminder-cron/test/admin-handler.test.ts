import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type NodeServer, serveNode } from '../src/node-server.ts'
import { createAssignment, createMentor, lastContactDate } from '../src/seed.ts'
import { createAdminHandler } from '../supabase/functions/_shared/admin-handler.ts'
import type { Db } from '../supabase/functions/_shared/db.ts'
import { databaseBackends } from './support/databases.ts'
import {
  createSigningKey,
  type SupabaseAuthStandIn,
  startSupabaseAuth,
  unsignedToken,
} from './support/supabase-auth.ts'

const now = new Date('2026-01-15T12:00:00.000Z')
const backends = await databaseBackends()
const es256 = await createSigningKey('ES256')
const rs256 = await createSigningKey('RS256')

// The project's Auth: its JWKS (an ES256 and an RS256 key) on a local HTTP server, and its
// legacy HS256 secret.
let auth: SupabaseAuthStandIn
beforeAll(async () => {
  auth = await startSupabaseAuth([es256, rs256])
})
afterAll(() => auth?.close())

const admin = () => auth.userToken({ sub: 'admin-7', app_metadata: { role: 'admin' } })

describe.each(backends)('the admin endpoint over node:http on $name', ({ open }) => {
  let db: Db
  let close: () => Promise<void>
  let server: NodeServer
  let assignmentId: number

  beforeAll(async () => {
    ;({ db, close } = await open())
    server = await serveNode(
      createAdminHandler({ db, supabaseUrl: auth.url, jwtSecret: auth.jwtSecret, now: () => now }),
    )
    const mentorId = await createMentor(db, 'Mentor A', 'mentor-a@example.org')
    assignmentId = await createAssignment(db, { mentorId, lastContactDate: new Date('2026-01-10T08:00:00.000Z') })
  })
  afterAll(async () => {
    await server.close()
    await close()
  })

  async function correct(options: { bearer?: string | null; body?: unknown; id?: number; method?: string }) {
    const bearer = options.bearer === undefined ? await admin() : options.bearer
    const response = await fetch(`${server.url}/assignments/${options.id ?? assignmentId}/last-contact-date`, {
      method: options.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body:
        options.body === undefined
          ? JSON.stringify({ last_contact_date: '2026-01-02', reason: 'contact by phone, not registered' })
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  async function auditRows() {
    const { rows } = await db.query<Record<string, unknown>>(
      `select actor, actor_role, action, assignment_id, old_value, new_value, reason
         from reminders.admin_audit_log where assignment_id = $1 order by id`,
      [assignmentId],
    )
    return rows
  }

  it('answers 401 without a bearer token', async () => {
    expect((await correct({ bearer: null })).status).toBe(401)
  })

  it("accepts a user's token signed with the project's ES256 or RS256 key (its JWKS) or the legacy HS256 secret", async () => {
    const id = await createAssignment(db, {
      mentorId: await createMentor(db, 'Mentor B', 'mentor-b@example.org'),
      lastContactDate: new Date('2026-01-10T08:00:00.000Z'),
    })
    const claims = { sub: 'admin-7', app_metadata: { role: 'admin' } }
    for (const key of [es256, rs256, 'legacy' as const]) {
      expect((await correct({ id, bearer: await auth.userToken(claims, { key }) })).status).toBe(200)
    }
  })

  it('answers 401 for a token signed with another secret or another key of the same kid', async () => {
    const forged = await new SignJWT({ app_metadata: { role: 'admin' }, aud: 'authenticated', iss: auth.issuer })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin-7')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-that-is-also-32-characters-long'))
    expect(await correct({ bearer: forged })).toEqual({ status: 401, body: { error: 'invalid token' } })
    const impostor = { ...(await createSigningKey('ES256')), kid: es256.kid }
    const signedByImpostor = await auth.userToken({ app_metadata: { role: 'admin' } }, { key: impostor })
    expect(await correct({ bearer: signedByImpostor })).toEqual({ status: 401, body: { error: 'invalid token' } })
  })

  it('answers 401 for an unsigned token (alg none)', async () => {
    const unsigned = unsignedToken({
      sub: 'admin-7',
      aud: 'authenticated',
      iss: auth.issuer,
      app_metadata: { role: 'admin' },
    })
    expect(await correct({ bearer: unsigned })).toEqual({ status: 401, body: { error: 'invalid token' } })
  })

  it('answers 401 for an expired token, whichever key signed it', async () => {
    for (const key of [es256, 'legacy' as const]) {
      const expired = await auth.userToken(
        { app_metadata: { role: 'admin' } },
        { key, expiresAt: new Date(Date.now() - 60_000) },
      )
      expect(await correct({ bearer: expired })).toEqual({ status: 401, body: { error: 'token expired' } })
    }
  })

  it("answers 401 for a token whose audience or issuer is not what the project's Auth sets", async () => {
    const claims = { app_metadata: { role: 'admin' } }
    for (const key of [es256, 'legacy' as const]) {
      const tokens = [
        await auth.userToken(claims, { key, audience: 'anon' }),
        await auth.userToken(claims, { key, audience: null }),
        await auth.userToken(claims, { key, issuer: 'https://another-project.supabase.co/auth/v1' }),
        await auth.userToken(claims, { key, issuer: null }),
      ]
      for (const bearer of tokens) {
        expect(await correct({ bearer })).toEqual({ status: 401, body: { error: 'invalid token' } })
      }
    }
  })

  it("answers 401 for a legacy API key (service_role): it is not a user's token", async () => {
    expect((await correct({ bearer: await auth.legacyApiKey('service_role') })).status).toBe(401)
  })

  it('answers 401 for a token that is not a JWT', async () => {
    expect((await correct({ bearer: 'not-a-jwt' })).status).toBe(401)
  })

  it('answers 403 for a signed-in user without an admin or coordinator app_metadata.role', async () => {
    const mentor = await auth.userToken({ app_metadata: { role: 'mentor' } })
    expect((await correct({ bearer: mentor })).status).toBe(403)
    // user_metadata is editable by the user: it grants nothing.
    const selfPromoted = await auth.userToken({ user_metadata: { role: 'admin' } })
    expect((await correct({ bearer: selfPromoted })).status).toBe(403)
  })

  it('answers 400 for a body that is not JSON, misses the reason, or has unknown fields', async () => {
    expect((await correct({ body: '{not json' })).status).toBe(400)
    expect((await correct({ body: { last_contact_date: '2026-01-02' } })).status).toBe(400)
    expect((await correct({ body: { last_contact_date: 'yesterday', reason: 'r' } })).status).toBe(400)
    const unknown = await correct({ body: { last_contact_date: '2026-01-02', reason: 'r', force: true } })
    expect(unknown.status).toBe(400)
    expect(unknown.body.issues).toEqual([{ path: '', message: 'Unrecognized key: "force"' }])
  })

  it('answers 400 for a date in the future', async () => {
    const future = await correct({ body: { last_contact_date: '2026-01-16', reason: 'typo' } })
    expect(future).toEqual({ status: 400, body: { error: 'last_contact_date may not be in the future' } })
  })

  it('answers 400 naming the field for a NUL character in the reason or the date before year 1', async () => {
    const nul = await correct({ body: { last_contact_date: '2026-01-02', reason: 'phone\u0000call' } })
    expect(nul).toEqual({
      status: 400,
      body: { error: 'invalid body', issues: [{ path: 'reason', message: 'may not contain a NUL character' }] },
    })
    for (const date of ['0000-01-01', '0001-01-01T00:30:00+01:00']) {
      const early = await correct({ body: { last_contact_date: date, reason: 'typo' } })
      expect(early).toEqual({
        status: 400,
        body: {
          error: 'invalid body',
          issues: [{ path: 'last_contact_date', message: 'expected a date from 0001-01-01 on' }],
        },
      })
    }
  })

  it("answers 400 naming sub for a NUL character in the token's sub", async () => {
    const bearer = await auth.userToken({ sub: 'admin\u00007', app_metadata: { role: 'admin' } })
    expect(await correct({ bearer })).toEqual({
      status: 400,
      body: { error: 'invalid token claims', issues: [{ path: 'sub', message: 'may not contain a NUL character' }] },
    })
  })

  it('answers 404 for an unknown assignment', async () => {
    expect(await correct({ id: 999_999 })).toEqual({ status: 404, body: { error: 'unknown assignment' } })
  })

  it('changes nothing and writes no audit row for a refused request', async () => {
    expect(await auditRows()).toEqual([])
    expect(await lastContactDate(db, assignmentId)).toEqual(new Date('2026-01-10T08:00:00.000Z'))
  })

  it('sets last_contact_date back in time and audits who, which assignment, old, new and why', async () => {
    const result = await correct({})
    expect(result).toEqual({
      status: 200,
      body: {
        assignment: {
          id: assignmentId,
          mentor_id: expect.any(Number),
          status: 'active',
          last_contact_date: '2026-01-02T00:00:00.000Z',
          reminder_interval: '14 days',
        },
      },
    })
    expect(await lastContactDate(db, assignmentId)).toEqual(new Date('2026-01-02T00:00:00.000Z'))
    expect(await auditRows()).toEqual([
      {
        actor: 'admin-7',
        actor_role: 'admin',
        action: 'set_last_contact_date',
        assignment_id: assignmentId,
        old_value: new Date('2026-01-10T08:00:00.000Z'),
        new_value: new Date('2026-01-02T00:00:00.000Z'),
        reason: 'contact by phone, not registered',
      },
    ])
  })

  it('accepts a coordinator and a date-time with an offset', async () => {
    const coordinator = await auth.userToken({ sub: 'coord-2', app_metadata: { role: 'coordinator' } })
    const result = await correct({
      bearer: coordinator,
      body: { last_contact_date: '2026-01-12T09:30:00+01:00', reason: 'home visit' },
    })
    expect(result.status).toBe(200)
    expect(await lastContactDate(db, assignmentId)).toEqual(new Date('2026-01-12T08:30:00.000Z'))
  })

  it('answers 405 for another method and 404 for another path', async () => {
    expect((await correct({ method: 'PUT' })).status).toBe(405)
    const response = await fetch(`${server.url}/assignments`, { method: 'POST' })
    expect(response.status).toBe(404)
  })
})

// The server when it answers (a database in a fraction of a second), PGlite otherwise.
describe.each(backends.slice(-1))("the admin endpoint's signing keys (the JWKS cache) on $name", ({ open }) => {
  let db: Db
  let close: () => Promise<void>
  let assignmentId: number
  const stops: (() => Promise<void>)[] = []

  beforeAll(async () => {
    ;({ db, close } = await open())
    const mentorId = await createMentor(db, 'Mentor A', 'mentor-a@example.org')
    assignmentId = await createAssignment(db, { mentorId, lastContactDate: new Date('2026-01-10T08:00:00.000Z') })
  })
  afterAll(async () => {
    vi.useRealTimers()
    await Promise.allSettled(stops.map((stop) => stop()))
    await close()
  })

  /** A project of its own (its own JWKS and fetch count) and an admin endpoint with a fresh JWKS cache. */
  async function newProject(options: { keys: Awaited<ReturnType<typeof createSigningKey>>[]; legacySecret?: boolean }) {
    const project = await startSupabaseAuth(options.keys)
    const server = await serveNode(
      createAdminHandler({
        db,
        supabaseUrl: project.url,
        ...(options.legacySecret ? { jwtSecret: project.jwtSecret } : {}),
        now: () => now,
      }),
    )
    stops.push(server.close, project.close)
    const correct = async (bearer: string) => {
      const response = await fetch(`${server.url}/assignments/${assignmentId}/last-contact-date`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ last_contact_date: '2026-01-02', reason: 'rotation test' }),
      })
      return { status: response.status, body: (await response.json()) as Record<string, unknown> }
    }
    return { project, correct }
  }

  const claims = { sub: 'admin-7', app_metadata: { role: 'admin' } }

  it('after a rotation, refuses the new key within 30 s of the last JWKS fetch and accepts it after', async () => {
    const oldKey = await createSigningKey('ES256')
    const newKey = await createSigningKey('ES256')
    const { project, correct } = await newProject({ keys: [oldKey] })
    expect((await correct(await project.userToken(claims, { key: oldKey }))).status).toBe(200)
    expect(project.jwksFetches).toBe(1)

    // Supabase's rotation: the standby key signs from now on, the previous one stays published.
    project.publish([newKey, oldKey])
    const signedByNewKey = await project.userToken(claims, { key: newKey })
    // jose refetches the JWKS for an unknown kid, but not within its 30 s cooldown after a
    // fetch: until then the new key is unknown here.
    expect(await correct(signedByNewKey)).toEqual({ status: 401, body: { error: 'invalid token' } })
    expect(project.jwksFetches).toBe(1)

    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 30_001)
    expect((await correct(signedByNewKey)).status).toBe(200)
    expect(project.jwksFetches).toBe(2)
    expect((await correct(await project.userToken(claims, { key: oldKey }))).status).toBe(200)
    expect(project.jwksFetches).toBe(2)
    vi.useRealTimers()
  })

  it('accepts a key the JWKS published before the first request at once (one fetch, then cached)', async () => {
    const key = await createSigningKey('RS256')
    const { project, correct } = await newProject({ keys: [key] })
    for (let call = 0; call < 3; call += 1) {
      expect((await correct(await project.userToken(claims, { key }))).status).toBe(200)
    }
    expect(project.jwksFetches).toBe(1)
  })

  it('answers 401, without crashing or refetching per request, for kids the JWKS does not have', async () => {
    const { project, correct } = await newProject({ keys: [await createSigningKey('ES256')] })
    for (let call = 0; call < 5; call += 1) {
      const unknown = await project.userToken(claims, { key: await createSigningKey('ES256') })
      expect(await correct(unknown)).toEqual({ status: 401, body: { error: 'invalid token' } })
    }
    expect(project.jwksFetches).toBe(1)
    // Still serving.
    expect((await correct(await project.userToken(claims))).status).toBe(200)
  })

  it('answers 401 for an HS256 token when the project has no legacy secret configured', async () => {
    const { project, correct } = await newProject({ keys: [await createSigningKey('ES256')] })
    expect(await correct(await project.userToken(claims, { key: 'legacy' }))).toEqual({
      status: 401,
      body: { error: 'invalid token' },
    })
    expect((await correct(await project.userToken(claims))).status).toBe(200)
  })

  it('answers 503 when the JWKS cannot be fetched', async () => {
    const key = await createSigningKey('ES256')
    const { project, correct } = await newProject({ keys: [key] })
    const token = await project.userToken(claims, { key })
    await project.close()
    expect(await correct(token)).toEqual({ status: 503, body: { error: 'cannot verify tokens right now' } })
  })
})
