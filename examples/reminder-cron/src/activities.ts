import type { Db } from '../supabase/functions/_shared/db.ts'

export type RegistrationKind = 'direct' | 'proxy' | 'bulk' | 'coordinator_proxy'

export interface ActivityInput {
  assignmentId: number
  occurredAt: Date
  note?: string
}

export interface SingleActivityInput extends ActivityInput {
  /** Who typed it in: the mentor (`direct`), someone on their behalf, or a coordinator. */
  registeredBy: string
  kind: Exclude<RegistrationKind, 'bulk'>
}

/**
 * Registers one activity. Nothing here touches `last_contact_date`: the database moves it on
 * every insert, so no path (these, a future one, a hand-written INSERT) can forget.
 */
export async function registerActivity(db: Db, input: SingleActivityInput): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into reminders.activities (assignment_id, registered_by, registration_kind, occurred_at, note)
     values ($1, $2, $3, $4::timestamptz, $5)
     returning id`,
    [input.assignmentId, input.registeredBy, input.kind, input.occurredAt.toISOString(), input.note ?? null],
  )
  return (rows[0] as { id: number }).id
}

/** Registers many activities in one INSERT statement (an import, a group session). */
export async function registerActivities(
  db: Db,
  registeredBy: string,
  activities: readonly ActivityInput[],
): Promise<number> {
  if (activities.length === 0) return 0
  const { rows } = await db.query<{ inserted: number }>(
    `with inserted as (
       insert into reminders.activities (assignment_id, registered_by, registration_kind, occurred_at, note)
       select r.assignment_id, $2, 'bulk', r.occurred_at, r.note
         from jsonb_to_recordset($1::jsonb) as r(assignment_id integer, occurred_at timestamptz, note text)
       returning 1
     )
     select count(*)::int as inserted from inserted`,
    [
      JSON.stringify(
        activities.map((activity) => ({
          assignment_id: activity.assignmentId,
          occurred_at: activity.occurredAt.toISOString(),
          note: activity.note ?? null,
        })),
      ),
      registeredBy,
    ],
  )
  return rows[0]?.inserted ?? 0
}
