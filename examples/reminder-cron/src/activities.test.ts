import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseBackends } from '../test/support/databases.js'
import { registerActivities, registerActivity } from './activities.js'
import type { Db } from './db.js'
import { createAssignment, createMentor, daysBefore, lastContactDate } from './seed.js'

const today = new Date('2026-01-15T09:00:00.000Z')

const backends = await databaseBackends()

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
    ).rejects.toThrow(/may only move backwards through reminders.correct_last_contact_date/)
    expect(await lastContactDate(db, assignmentId)).toEqual(daysBefore(today, 1))
  })
})
