import type { Db } from '../supabase/functions/_shared/db.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export interface AssignmentInput {
  mentorId: number
  lastContactDate: Date
  reminderIntervalDays?: number
  status?: 'active' | 'paused' | 'closed'
}

export async function createMentor(db: Db, name: string, email: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'insert into reminders.peer_mentors (name, email) values ($1, $2) returning id',
    [name, email],
  )
  return (rows[0] as { id: number }).id
}

export async function createAssignment(db: Db, input: AssignmentInput): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into reminders.assignments (mentor_id, last_contact_date, reminder_interval, status)
     values ($1, $2::timestamptz, make_interval(days => $3), $4)
     returning id`,
    [input.mentorId, input.lastContactDate.toISOString(), input.reminderIntervalDays ?? 14, input.status ?? 'active'],
  )
  return (rows[0] as { id: number }).id
}

export async function lastContactDate(db: Db, assignmentId: number): Promise<Date> {
  const { rows } = await db.query<{ last_contact_date: Date }>(
    'select last_contact_date from reminders.assignments where id = $1',
    [assignmentId],
  )
  return new Date((rows[0] as { last_contact_date: Date }).last_contact_date)
}

export interface SeedOptions {
  mentors: number
  assignments: number
  /** The day the seed is for; last contacts lie before it. */
  now: Date
  /**
   * Assignment i was last contacted `i % spreadDays` days before `now`, with a 14-day
   * interval: with the default 28 about half are due now and one more day's worth each day.
   */
  spreadDays?: number
  /** Added to every assignment's days since contact. Default 0. */
  minDaysSinceContact?: number
}

/** Mentors and assignments generated in two statements, fast enough for 100,000 rows. */
export async function seedMentorsAndAssignments(db: Db, options: SeedOptions): Promise<void> {
  const spreadDays = options.spreadDays ?? 28
  const minDays = options.minDaysSinceContact ?? 0
  const { rows } = await db.query<{ first_id: number }>(
    `with inserted as (
       insert into reminders.peer_mentors (name, email)
       select 'Mentor ' || g, 'mentor' || g || '-' || md5(random()::text) || '@example.org'
         from generate_series(1, $1::int) as g
       returning id
     )
     select min(id)::int as first_id from inserted`,
    [options.mentors],
  )
  const firstMentor = (rows[0] as { first_id: number }).first_id
  await db.query(
    `insert into reminders.assignments (mentor_id, last_contact_date, reminder_interval)
     select $2::int + (g % $3::int),
            $4::timestamptz - make_interval(days => $6::int + g % $5::int) - interval '1 hour',
            interval '14 days'
       from generate_series(1, $1::int) as g`,
    [options.assignments, firstMentor, options.mentors, options.now.toISOString(), spreadDays, minDays],
  )
}

export function daysBefore(date: Date, days: number): Date {
  return new Date(date.getTime() - days * DAY_MS)
}

export function daysAfter(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS)
}
