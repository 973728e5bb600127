import type { Db } from '../supabase/functions/_shared/db.ts'

/**
 * The row-by-row way, for comparison: load every due assignment, then for each one check,
 * claim, send with fetch and confirm, one at a time. Correct, but a round trip per step per
 * row and the whole due list in memory.
 */
export async function naiveDispatch(db: Db, url: string, now: Date, runId: string): Promise<number> {
  const { rows } = await db.query<{ id: number; due_at: Date; name: string; email: string; mentor_id: number }>(
    `select a.id, a.mentor_id, m.name, m.email, reminders.reminder_due_at(a.last_contact_date, a.reminder_interval) as due_at
       from reminders.assignments as a join reminders.peer_mentors as m on m.id = a.mentor_id
      where a.status = 'active'
        and reminders.reminder_due_at(a.last_contact_date, a.reminder_interval) <= $1::timestamptz`,
    [now.toISOString()],
  )
  let sent = 0
  for (const row of rows) {
    const dueAt = new Date(row.due_at).toISOString()
    const existing = await db.query(
      `select 1 from reminders.reminder_dispatches where assignment_id = $1 and due_at = $2::timestamptz`,
      [row.id, dueAt],
    )
    if (existing.rows.length > 0) continue
    const claim = await db.query<{ id: number; idempotency_key: string }>(
      `insert into reminders.reminder_dispatches (assignment_id, due_at, claimed_by, claimed_at)
       values ($1, $2::timestamptz, $3, $4::timestamptz)
       on conflict do nothing
       returning id, idempotency_key::text as idempotency_key`,
      [row.id, dueAt, runId, now.toISOString()],
    )
    const dispatch = claim.rows[0]
    if (!dispatch) continue
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': dispatch.idempotency_key },
      body: JSON.stringify({ assignment_id: row.id, mentor_id: row.mentor_id, mentor_email: row.email, due_at: dueAt }),
    })
    await response.arrayBuffer()
    await db.query(`update reminders.reminder_dispatches set status = $2, sent_at = now() where id = $1`, [
      dispatch.id,
      response.ok ? 'sent' : 'failed',
    ])
    if (response.ok) sent++
  }
  return sent
}
