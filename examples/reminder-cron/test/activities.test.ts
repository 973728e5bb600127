import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverAvailable } from '../../../test-support/test-database.js'
import { registerActivities, registerActivity } from '../src/activities.js'
import { createAssignment, createMentor, daysBefore, lastContactDate } from '../src/seed.js'
import type { Db } from '../supabase/functions/_shared/db.ts'
import { createServerDatabase, databaseBackends, type ServerDatabase } from './support/databases.js'

const today = new Date('2026-01-15T09:00:00.000Z')

const backends = await databaseBackends()
const hasServer = await serverAvailable()
const GUARD_REFUSAL = /may only move backwards through reminders.correct_last_contact_date/

describe.each(backends)('registering an activity on $name', ({ open }) => {
  let db: Db
  let close: () => Promise<void>
  let mentorId: number

  beforeAll(async () => {
    ;({ db, close } = await open())
    mentorId = await createMentor(db, 'Mentor A', 'mentor-a@example.org')
  })
  afterAll(async () => close())

  const assignmentLastContacted = (daysAgo: number) =>
    createAssignment(db, { mentorId, lastContactDate: daysBefore(today, daysAgo) })

  // Each single-row path gets its own test: the kind of registration and who made it differ.
  it.each([
    { path: 'the mentor registers it directly', kind: 'direct', registeredBy: 'mentor-a', daysAgo: 1 },
    { path: 'someone registers it on the mentor’s behalf', kind: 'proxy', registeredBy: 'colleague-b', daysAgo: 2 },
    {
      path: 'a coordinator registers it for the mentor',
      kind: 'coordinator_proxy',
      registeredBy: 'coordinator-c',
      daysAgo: 3,
    },
  ] as const)('resets last_contact_date when $path', async ({ kind, registeredBy, daysAgo }) => {
    const assignmentId = await assignmentLastContacted(20)
    const occurredAt = daysBefore(today, daysAgo)
    await registerActivity(db, { assignmentId, occurredAt, registeredBy, kind })
    expect(await lastContactDate(db, assignmentId)).toEqual(occurredAt)
    const { rows } = await db.query<{ registration_kind: string; registered_by: string }>(
      'select registration_kind, registered_by from reminders.activities where assignment_id = $1',
      [assignmentId],
    )
    expect(rows).toEqual([{ registration_kind: kind, registered_by: registeredBy }])
  })

  it('resets every assignment of a bulk registration, in one statement, to its latest activity', async () => {
    const first = await assignmentLastContacted(30)
    const second = await assignmentLastContacted(30)
    const untouched = await assignmentLastContacted(30)
    const inserted = await registerActivities(db, 'coordinator-c', [
      { assignmentId: first, occurredAt: daysBefore(today, 5) },
      { assignmentId: first, occurredAt: daysBefore(today, 2) },
      { assignmentId: first, occurredAt: daysBefore(today, 9) },
      { assignmentId: second, occurredAt: daysBefore(today, 4) },
    ])
    expect(inserted).toBe(4)
    expect(await lastContactDate(db, first)).toEqual(daysBefore(today, 2))
    expect(await lastContactDate(db, second)).toEqual(daysBefore(today, 4))
    expect(await lastContactDate(db, untouched)).toEqual(daysBefore(today, 30))
  })

  it('never moves last_contact_date backwards for an activity older than the last contact', async () => {
    const assignmentId = await assignmentLastContacted(1)
    await registerActivity(db, {
      assignmentId,
      occurredAt: daysBefore(today, 10),
      registeredBy: 'mentor-a',
      kind: 'direct',
    })
    await registerActivities(db, 'coordinator-c', [{ assignmentId, occurredAt: daysBefore(today, 8) }])
    expect(await lastContactDate(db, assignmentId)).toEqual(daysBefore(today, 1))
  })

  it('resets last_contact_date for an INSERT that bypasses the registration functions', async () => {
    const assignmentId = await assignmentLastContacted(20)
    const occurredAt = daysBefore(today, 1)
    await db.query(
      `insert into reminders.activities (assignment_id, registered_by, registration_kind, occurred_at)
       values ($1, 'script', 'direct', $2::timestamptz)`,
      [assignmentId, occurredAt.toISOString()],
    )
    expect(await lastContactDate(db, assignmentId)).toEqual(occurredAt)
  })

  it('refuses a plain UPDATE that moves last_contact_date backwards', async () => {
    const assignmentId = await assignmentLastContacted(1)
    await expect(
      db.query(`update reminders.assignments set last_contact_date = $2::timestamptz where id = $1`, [
        assignmentId,
        daysBefore(today, 30).toISOString(),
      ]),
    ).rejects.toThrow(GUARD_REFUSAL)
    expect(await lastContactDate(db, assignmentId)).toEqual(daysBefore(today, 1))
  })

  it("refuses it after `set local reminders.admin_correction = 'on'` too: no setting opens the guard", async () => {
    const assignmentId = await assignmentLastContacted(1)
    await expect(
      db.exec(
        `set local reminders.admin_correction = 'on';
         update reminders.assignments set last_contact_date = '${daysBefore(today, 30).toISOString()}'
          where id = ${assignmentId}`,
      ),
    ).rejects.toThrow(GUARD_REFUSAL)
    expect(await lastContactDate(db, assignmentId)).toEqual(daysBefore(today, 1))
  })

  it('moves it backwards through reminders.correct_last_contact_date, once: the grant does not outlive the call', async () => {
    const assignmentId = await assignmentLastContacted(1)
    // A forward correction and a backwards update in one transaction: the update finds no grant.
    await expect(
      db.exec(
        `select * from reminders.correct_last_contact_date(${assignmentId}, now(), 'admin-1', 'admin', 'forward');
         update reminders.assignments set last_contact_date = '${daysBefore(today, 30).toISOString()}'
          where id = ${assignmentId}`,
      ),
    ).rejects.toThrow(GUARD_REFUSAL)
    await db.query(
      `select * from reminders.correct_last_contact_date($1, $2::timestamptz, 'admin-1', 'admin', 'paper')`,
      [assignmentId, daysBefore(today, 30).toISOString()],
    )
    expect(await lastContactDate(db, assignmentId)).toEqual(daysBefore(today, 30))
  })
})

// On Supabase the app's role is not a superuser: the guard must hold for a role that may
// update assignments, and the correction function must still work for it.
describe.skipIf(!hasServer)('the correction guard for a role that may update assignments, on the server', () => {
  let server: ServerDatabase
  let app: pg.Client
  let assignmentId: number
  const role = `reminders_app_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const reader = `${role}_reader`

  beforeAll(async () => {
    server = await createServerDatabase()
    await server.db.exec(`
      create role ${role} login nosuperuser;
      create role ${reader} nologin nosuperuser;
      grant usage on schema reminders to ${role}, ${reader};
      grant select, update on reminders.assignments to ${role};
      grant select on reminders.assignments to ${reader};
      grant execute on function reminders.correct_last_contact_date(integer, timestamptz, text, text, text) to ${role};
    `)
    const mentorId = await createMentor(server.db, 'Mentor A', 'mentor-a@example.org')
    assignmentId = await createAssignment(server.db, { mentorId, lastContactDate: daysBefore(today, 1) })
    const url = new URL(server.url)
    url.username = role
    app = new pg.Client({ connectionString: url.toString() })
    await app.connect()
  })
  afterAll(async () => {
    await app?.end()
    await server?.db.exec(`drop owned by ${role}, ${reader}; drop role ${role}; drop role ${reader}`)
    await server?.drop()
  })

  const backwards = () =>
    `update reminders.assignments set last_contact_date = '${daysBefore(today, 30).toISOString()}' where id = ${assignmentId}`

  it("refuses `set local reminders.admin_correction = 'on'` plus a direct backwards UPDATE", async () => {
    await app.query('begin')
    try {
      await app.query(`set local reminders.admin_correction = 'on'`)
      await expect(app.query(backwards())).rejects.toThrow(GUARD_REFUSAL)
    } finally {
      await app.query('rollback')
    }
    expect(await lastContactDate(server.db, assignmentId)).toEqual(daysBefore(today, 1))
  })

  it('cannot write the grant the guard looks for', async () => {
    await expect(
      app.query(`insert into reminders_private.correction_grants (assignment_id) values (${assignmentId})`),
    ).rejects.toMatchObject({ code: '42501' })
  })

  it('corrects through reminders.correct_last_contact_date, which writes the audit row', async () => {
    const { rows } = await app.query(
      `select id, last_contact_date from reminders.correct_last_contact_date($1, $2::timestamptz, 'admin-7', 'admin', 'paper')`,
      [assignmentId, daysBefore(today, 30).toISOString()],
    )
    expect(rows).toEqual([{ id: assignmentId, last_contact_date: daysBefore(today, 30) }])
    const audit = await server.db.query<{ actor: string; new_value: Date }>(
      'select actor, new_value from reminders.admin_audit_log where assignment_id = $1',
      [assignmentId],
    )
    expect(audit.rows).toEqual([{ actor: 'admin-7', new_value: daysBefore(today, 30) }])
  })

  it('may not be called by a role it was not granted to', async () => {
    const client = await server.pool.connect()
    try {
      await client.query('begin')
      await client.query(`set local role ${reader}`)
      await expect(
        client.query(
          `select * from reminders.correct_last_contact_date($1, now() - interval '1 year', 'x', 'admin', 'r')`,
          [assignmentId],
        ),
      ).rejects.toMatchObject({ code: '42501' })
    } finally {
      await client.query('rollback')
      client.release()
    }
  })
})
