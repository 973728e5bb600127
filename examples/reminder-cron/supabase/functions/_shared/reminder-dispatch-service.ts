import { describeError } from '@cronwarden/core'
import { parseOptions } from '@cronwarden/core/plugin'
import { z } from 'zod'
import type { Db } from './db.ts'
import { type DispatchSummary, emptySummary } from './dispatch-summary.ts'
import { clockSchema, dbSchema } from './options.ts'
import type { Reminder, ReminderSender } from './reminder-sender.ts'

export interface ReminderDispatchServiceOptions {
  db: Db
  sender: ReminderSender
  /** Assignments claimed and sent per round trip. Default 500. */
  batchSize?: number
  /** Sends in flight at once. Default 50. */
  concurrency?: number
  /**
   * A claim this old that was never confirmed belongs to a run that crashed between claim and
   * confirmation; the next run retries it with the same idempotency key. Keep it well above
   * the longest a batch can take to send. Default 15 minutes.
   */
  staleClaimMs?: number
  /** The clock deciding what is due. Default: the system clock. */
  now?: () => Date
}

export interface DispatchRunOptions {
  /** Recorded on each claim; the cronwarden run id when run through the job. */
  runId: string
  /** Stops claiming further batches, and aborts sends in flight. */
  signal?: AbortSignal
}

export interface ReminderDispatchService {
  /** Sends every reminder due now, once; resolves with what happened (never for a send error). */
  run(options: DispatchRunOptions): Promise<DispatchSummary>
}

const optionsSchema = z.strictObject({
  db: dbSchema,
  sender: z.custom<ReminderSender>((value) => typeof (value as Partial<ReminderSender> | null)?.send === 'function', {
    message: 'expected a ReminderSender: an object with send(reminder, { signal })',
  }),
  batchSize: z.number().int().min(1).max(10_000).default(500),
  concurrency: z.number().int().min(1).max(1_000).default(50),
  staleClaimMs: z
    .number()
    .int()
    .min(1_000)
    .default(15 * 60_000),
  now: clockSchema.optional(),
})

interface ClaimRow {
  assignment_id: number
  mentor_id: number
  mentor_name: string
  mentor_email: string
  last_contact_date: Date
  due_at: Date
  dispatch_id: number | null
  idempotency_key: string | null
  attempts: number | null
}

// One statement per batch: find the next due assignments after the cursor (set-based, by
// primary key, so each batch is an index range and memory stays one batch), then claim them.
// The claim is the unique (assignment, due date) row: a fresh insert, or taking over a failed
// attempt or a stale claim. A row another run claimed and is still sending, or has sent since
// this statement's snapshot, is not returned as claimed: ON CONFLICT re-checks the latest
// version under its row lock, which is what makes two concurrent runs send each reminder once.
const CLAIM_BATCH = `
with candidates as (
  select a.id as assignment_id,
         a.mentor_id,
         a.last_contact_date,
         reminders.reminder_due_at(a.last_contact_date, a.reminder_interval) as due_at
    from reminders.assignments as a
   where a.status = 'active'
     and a.id > $2
     and reminders.reminder_due_at(a.last_contact_date, a.reminder_interval) <= $1::timestamptz
     and not exists (
       select 1
         from reminders.reminder_dispatches as sent
        where sent.assignment_id = a.id
          and sent.due_at = reminders.reminder_due_at(a.last_contact_date, a.reminder_interval)
          and sent.status = 'sent'
     )
   order by a.id
   limit $3
),
claimed as (
  insert into reminders.reminder_dispatches as d (assignment_id, due_at, claimed_by, claimed_at)
  select assignment_id, due_at, $4, $1::timestamptz from candidates
  on conflict (assignment_id, due_at) do update
     set status = 'claimed',
         attempts = d.attempts + 1,
         claimed_by = excluded.claimed_by,
         claimed_at = excluded.claimed_at,
         last_error = null
   where d.status = 'failed'
      or (d.status = 'claimed' and d.claimed_at <= $5::timestamptz)
  returning d.id, d.assignment_id, d.idempotency_key, d.attempts
)
select c.assignment_id,
       c.mentor_id,
       m.name as mentor_name,
       m.email as mentor_email,
       c.last_contact_date,
       c.due_at,
       k.id as dispatch_id,
       k.idempotency_key::text as idempotency_key,
       k.attempts
  from candidates as c
  join reminders.peer_mentors as m on m.id = c.mentor_id
  left join claimed as k on k.assignment_id = c.assignment_id
 order by c.assignment_id
`

// One statement per batch records every outcome. A success is recorded even if a later run
// took the claim over meanwhile (the reminder was delivered); a failure only while the claim
// is still this run's, so it cannot undo a takeover's success.
const RECORD_BATCH = `
update reminders.reminder_dispatches as d
   set status = r.status,
       sent_at = case when r.status = 'sent' then $2::timestamptz end,
       last_error = r.error
  from jsonb_to_recordset($1::jsonb) as r(id integer, status text, error text)
 where d.id = r.id
   and d.status = 'claimed'
   and (r.status = 'sent' or d.claimed_by = $3)
`

interface Outcome {
  id: number
  status: 'sent' | 'failed'
  error: string | null
}

/**
 * The reminder job's work: claim in the database, then send, then confirm, batch by batch.
 * Every reminder is claimed before it is sent and carries its dispatch's idempotency key, so
 * overlapping runs, double triggers and retries after a crash never deliver it twice.
 */
export function createReminderDispatchService(options: ReminderDispatchServiceOptions): ReminderDispatchService {
  const { db, sender, batchSize, concurrency, staleClaimMs, now } = parseOptions(
    optionsSchema,
    options,
    'createReminderDispatchService options',
  )
  const clock = now ?? (() => new Date())

  return {
    async run({ runId, signal = new AbortController().signal }) {
      const summary = emptySummary()
      // Fixed for the whole run: what is due does not shift while the run pages through it.
      const asOf = clock()
      const staleBefore = new Date(asOf.getTime() - staleClaimMs)
      let cursor = 0

      while (!signal.aborted) {
        const { rows } = await db.query<ClaimRow>(CLAIM_BATCH, [
          asOf.toISOString(),
          cursor,
          batchSize,
          runId,
          staleBefore.toISOString(),
        ])
        if (rows.length === 0) break
        cursor = rows[rows.length - 1]?.assignment_id ?? cursor
        summary.due += rows.length

        const reminders = rows.flatMap(toReminder)
        summary.already_sent += rows.length - reminders.length
        const outcomes = await sendAll(sender, reminders, concurrency, signal)
        for (const outcome of outcomes) {
          if (outcome.status === 'sent') summary.sent++
          else {
            summary.failed++
            summary.first_error ??= outcome.error
          }
        }
        if (outcomes.length > 0) {
          await db.query(RECORD_BATCH, [JSON.stringify(outcomes), clock().toISOString(), runId])
        }
        if (rows.length < batchSize) break
      }
      return summary
    },
  }
}

function toReminder(row: ClaimRow): Array<Reminder & { dispatchId: number }> {
  if (row.dispatch_id === null || row.idempotency_key === null) return []
  return [
    {
      dispatchId: row.dispatch_id,
      idempotencyKey: row.idempotency_key,
      assignmentId: row.assignment_id,
      mentorId: row.mentor_id,
      mentorName: row.mentor_name,
      mentorEmail: row.mentor_email,
      lastContactDate: new Date(row.last_contact_date),
      dueAt: new Date(row.due_at),
      attempt: row.attempts ?? 1,
    },
  ]
}

/** At most `concurrency` sends in flight; each outcome is caught, none stops the others. */
async function sendAll(
  sender: ReminderSender,
  reminders: ReadonlyArray<Reminder & { dispatchId: number }>,
  concurrency: number,
  signal: AbortSignal,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let next = 0
  async function worker() {
    for (let index = next++; index < reminders.length; index = next++) {
      const { dispatchId, ...reminder } = reminders[index] as Reminder & { dispatchId: number }
      // A run told to stop leaves the rest claimed: they are retried after the stale timeout.
      if (signal.aborted) return
      try {
        await sender.send(reminder, { signal })
        outcomes.push({ id: dispatchId, status: 'sent', error: null })
      } catch (error) {
        // describeError's text is bounded and well-formed; a cut of our own could split an emoji.
        outcomes.push({ id: dispatchId, status: 'failed', error: describeError(error) })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, reminders.length) }, worker))
  return outcomes
}
