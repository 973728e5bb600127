import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseBackends } from '../test/support/databases.js'
import { createAdminHandler } from './admin-handler.js'
import type { Db } from './db.js'
import { type NodeServer, serveNode } from './node-server.js'
import { createAssignment, createMentor, lastContactDate } from './seed.js'

const jwtSecret = 'test-only-jwt-secret-with-at-least-32-characters'
const now = new Date('2026-01-15T12:00:00.000Z')
const backends = await databaseBackends()

async function token(claims: Record<string, unknown>, options: { secret?: string; expiresAt?: Date } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject((claims.sub as string | undefined) ?? 'user-1')
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? new Date(Date.now() + 3_600_000))
    .sign(new TextEncoder().encode(options.secret ?? jwtSecret))
}

const admin = () => token({ sub: 'admin-7', role: 'authenticated', app_metadata: { role: 'admin' } })

describe.each(backends)('the admin endpoint over node:http on $name', ({ open }) => {
  let db: Db
  let close: () => Promise<void>
  let server: NodeServer
  let assignmentId: number

  beforeAll(async () => {
    ;({ db, close } = await open())
    server = await serveNode(createAdminHandler({ db, jwtSecret, now: () => now }))
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
         from reminders.admin_audit_log order by id`,
    )
    return rows
  }

  it('answers 401 without a bearer token', async () => {
    expect((await correct({ bearer: null })).status).toBe(401)
  })

  it('answers 401 for a token signed with another secret', async () => {
    const forged = await token(
      { app_metadata: { role: 'admin' } },
      { secret: 'another-secret-that-is-also-32-characters-long' },
    )
    expect(await correct({ bearer: forged })).toEqual({ status: 401, body: { error: 'invalid token' } })
  })

  it('answers 401 for an expired token', async () => {
    const expired = await token({ app_metadata: { role: 'admin' } }, { expiresAt: new Date(Date.now() - 60_000) })
    expect(await correct({ bearer: expired })).toEqual({ status: 401, body: { error: 'token expired' } })
  })

  it('answers 401 for a token that is not a JWT', async () => {
    expect((await correct({ bearer: 'not-a-jwt' })).status).toBe(401)
  })

  it('answers 403 for a signed-in user without an admin or coordinator app_metadata.role', async () => {
    const mentor = await token({ role: 'authenticated', app_metadata: { role: 'mentor' } })
    expect((await correct({ bearer: mentor })).status).toBe(403)
    // user_metadata is editable by the user: it grants nothing.
    const selfPromoted = await token({ role: 'authenticated', user_metadata: { role: 'admin' } })
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
    const coordinator = await token({ sub: 'coord-2', app_metadata: { role: 'coordinator' } })
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
