import type { Logger, RunRecord } from '@cronwarden/core'
import { registerActivities } from './activities.js'
import { createReminderCron, JOB_NAME } from './compose.js'
import type { Db } from './db.js'
import type { DispatchSummary } from './dispatch-summary.js'
import { createHttpReminderSender } from './http-reminder-sender.js'
import { migrate } from './migrate.js'
import type { Monitoring } from './monitoring.js'
import { type ReminderSink, startReminderSink } from './reminder-sink.js'
import { daysAfter, seedMentorsAndAssignments } from './seed.js'

export interface ScenarioOptions {
  db: Db
  monitoring: Monitoring
  /** Where the scenario narrates each step. Default: console.log. */
  print?: (line: string) => void
  /** The first day of the scenario. Default: now. */
  start?: Date
}

export interface ScenarioResult {
  runs: RunRecord[]
  /** Deliveries per idempotency key at the stand-in push service. */
  deliveriesByKey: ReadonlyMap<string, number>
}

const quiet: Logger = { info() {}, warn: console.warn, error: console.error }

/**
 * Four daily runs of the reminder cron against a seeded database and a local push service
 * that is down on days 2 and 3: the second failed run alerts (once), day 4 sends everything
 * owed, including the reminders that failed, and the streak resets.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { db, monitoring } = options
  const print = options.print ?? console.log
  const start = options.start ?? new Date()

  await migrate(db)
  const { rows } = await db.query<{ count: number }>('select count(*)::int as count from reminders.assignments')
  if ((rows[0]?.count ?? 0) > 0) {
    throw new Error('reminders.assignments is not empty: run the example against an empty database')
  }
  await seedMentorsAndAssignments(db, { mentors: 40, assignments: 200, now: start })
  print('Seeded 40 peer mentors and 200 assignments (14-day reminder interval).')

  const sink: ReminderSink = await startReminderSink()
  const sender = createHttpReminderSender({ url: sink.url, timeoutMs: 5_000 })
  let today = start
  // Inside the try: options that fail to parse must still close the sink and the sender,
  // or their open sockets keep the process alive after the error is printed.
  try {
    const runReminders = createReminderCron({
      db,
      sender,
      ...monitoring,
      dispatch: { now: () => today },
      logger: quiet,
    })
    const days: Array<{ label: string; serviceUp: boolean; before?: () => Promise<void> }> = [
      { label: 'day 1', serviceUp: true },
      {
        label: 'day 2',
        serviceUp: false,
        // A coordinator enters a group session with five mentors whose reminder falls due
        // today, in one statement: the database moves their last contact, so they are not due.
        before: async () => {
          const { rows: dueToday } = await db.query<{ id: number }>(
            `select a.id from reminders.assignments as a
              where reminders.reminder_due_at(a.last_contact_date, a.reminder_interval) <= $1::timestamptz
                and not exists (select 1 from reminders.reminder_dispatches as d where d.assignment_id = a.id)
              order by a.id limit 5`,
            [today.toISOString()],
          )
          await registerActivities(
            db,
            'coordinator',
            dueToday.map(({ id }) => ({ assignmentId: id, occurredAt: today, note: 'group session' })),
          )
          print(
            `day 2: a coordinator registered a group session for ${dueToday.length} assignments due today (one bulk insert)`,
          )
        },
      },
      { label: 'day 3', serviceUp: false },
      { label: 'day 4', serviceUp: true },
    ]
    for (const [index, day] of days.entries()) {
      today = daysAfter(start, index)
      await day.before?.()
      sink.setDown(!day.serviceUp)
      try {
        const summary = await runReminders()
        print(`${day.label}: push service up   → ${describe(summary)}`)
      } catch (error) {
        print(`${day.label}: push service DOWN → run failed: ${(error as Error).message}`)
      }
    }
    return { runs: await monitoring.store.listRuns(JOB_NAME), deliveriesByKey: sink.byKey }
  } finally {
    await sender.close()
    await sink.close()
  }
}

function describe(summary: DispatchSummary): string {
  return `due ${summary.due}, sent ${summary.sent}, failed ${summary.failed}, already sent ${summary.already_sent}`
}
