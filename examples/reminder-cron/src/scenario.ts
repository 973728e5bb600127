import { createMemoryStore, DEFAULT_POLICY, type Logger, type Notifier, type RunRecord } from '@cronwarden/core'
import { utcTime } from '@cronwarden/core/plugin'
import type { SlackMessage } from '@cronwarden/slack-notifier'
import { createReminderCron, JOB_NAME } from '../supabase/functions/_shared/compose.ts'
import type { Db } from '../supabase/functions/_shared/db.ts'
import { createHttpReminderSender } from '../supabase/functions/_shared/http-reminder-sender.ts'
import { registerActivities } from './activities.js'
import { latestDailyRun } from './daily-schedule.js'
import { executionLogTable } from './execution-log-table.js'
import { migrate } from './migrate.js'
import { type ReminderSink, startReminderSink } from './reminder-sink.js'
import { alertLines, runLine, settle } from './scenario-output.js'
import { daysAfter, daysBefore, seedMentorsAndAssignments } from './seed.js'
import { createSimulatedClock } from './simulated-clock.js'

export interface ScenarioOptions {
  db: Db
  /** Where alerts go: in the example, Slack through the webhook URL held in Vault. */
  notifiers: Notifier[]
  /** The channel those alerts reach: read after each run to show what arrived during it. */
  opsChannel: { readonly messages: readonly SlackMessage[] }
  /** Where the scenario narrates each step. Default: console.log. */
  print?: (line: string) => void
  /** Day 1's scheduled run. Default: three days before the latest 06:00 UTC, so day 4 is the latest. */
  start?: Date
  /** Also print each alert's Block Kit payload as posted (`--json`). Default false. */
  showBlockKit?: boolean
  /** The real time that passes within a simulated day; tests freeze it. Default: `performance.now`. */
  elapsedMs?: () => number
}

export interface ScenarioResult {
  /** The execution log, newest first. */
  runs: RunRecord[]
  /** Deliveries per idempotency key at the stand-in push service. */
  deliveriesByKey: ReadonlyMap<string, number>
}

interface ScenarioDay {
  serviceUp: boolean
  /** Something that happens in the domain before the day's run; resolves with its narration. */
  before?: (db: Db, today: Date) => Promise<string>
}

/**
 * Four daily runs: the push service is down on days 2 and 3, so the second failed run alerts
 * (once), and day 4 sends everything owed, including the reminders that failed, and resets
 * the streak. On day 2 a coordinator's group session takes five assignments off the due list.
 */
const DAYS: readonly ScenarioDay[] = [
  { serviceUp: true },
  { serviceUp: false, before: registerGroupSession },
  { serviceUp: false },
  { serviceUp: true },
]

const quiet: Logger = { info() {}, warn: console.warn, error: console.error }

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { db, notifiers, opsChannel, showBlockKit = false } = options
  const print = options.print ?? console.log
  const start = options.start ?? daysBefore(latestDailyRun(new Date()), DAYS.length - 1)

  await migrate(db)
  const { rows } = await db.query<{ count: number }>('select count(*)::int as count from reminders.assignments')
  if ((rows[0]?.count ?? 0) > 0) {
    throw new Error('reminders.assignments is not empty: run the example against an empty database')
  }
  await seedMentorsAndAssignments(db, { mentors: 40, assignments: 200, now: start })
  print('Seeded 40 peer mentors and 200 assignments (14-day reminder interval).')

  // One clock for everything that stamps a time: which reminders are due, the run log, the
  // alert and its delivery records. Runs go to cronwarden's memory store on that clock, not
  // to the Postgres store the deployed cron uses (supabase/functions/_shared/monitoring.ts): that store stamps runs
  // with the database's own clock (one clock for every process writing the log) and takes no
  // other, so four days replayed in seconds would share one minute and the alert's "last
  // successful run" would say nothing. The memory store passes the same contract suite, and
  // core decides the alert the same way for both; only where the timestamps come from differs.
  const clock = createSimulatedClock(start, options.elapsedMs)
  const store = createMemoryStore({ now: clock.now })

  const sink: ReminderSink = await startReminderSink()
  const sender = createHttpReminderSender({ url: sink.url, timeoutMs: 5_000 })
  // Inside the try: options that fail to parse must still close the sink and the sender,
  // or their open sockets keep the process alive after the error is printed.
  try {
    const runReminders = createReminderCron({ db, sender, store, notifiers, now: clock.now, logger: quiet })
    let alertsShown = opsChannel.messages.length
    for (const [index, day] of DAYS.entries()) {
      const today = daysAfter(start, index)
      clock.jumpTo(today)
      sink.setDown(!day.serviceUp)
      print('')
      print(`day ${index + 1}: ${dayTime(today)}, push service ${day.serviceUp ? 'up' : 'DOWN'}`)
      if (day.before) print(`  ${await day.before(db, today)}`)

      const outcome = await settle(runReminders())
      const [recorded] = await store.listRuns({ jobName: JOB_NAME, limit: 1 })
      print(`  ${runLine(outcome, recorded)}`)
      // cronwarden sends the alert before the run's promise settles, so it has arrived by now.
      const alerts = opsChannel.messages.slice(alertsShown)
      alertsShown = opsChannel.messages.length
      for (const alert of alerts) for (const line of alertLines(alert, showBlockKit)) print(`  ${line}`)
      if (!outcome.ok && alerts.length === 0) {
        print(`  no alert: one is sent when failures in a row reach ${DEFAULT_POLICY.failureThreshold}`)
      }
    }

    const runs = await store.listRuns({ jobName: JOB_NAME })
    const duplicates = [...sink.byKey.values()].filter((count) => count > 1).length
    print('')
    print(`The push service received ${sink.byKey.size} distinct reminders, ${duplicates} more than once.`)
    print('')
    print('Execution log (store.listRuns), oldest first:')
    for (const line of executionLogTable(runs)) print(line)
    for (const run of [...runs].reverse()) {
      for (const delivery of run.deliveries) {
        print(
          `Run ${run.run_id.slice(0, 8)}: ${delivery.event_type} alert ${delivery.status} to ${delivery.notifier} at ${utcTime(delivery.attempted_at)}`,
        )
      }
    }
    return { runs, deliveriesByKey: sink.byKey }
  } finally {
    await sender.close()
    await sink.close()
  }
}

/**
 * A coordinator enters a group session with five mentors whose reminder falls due today, in
 * one statement: the database moves their last contact, so they are no longer due.
 */
async function registerGroupSession(db: Db, today: Date): Promise<string> {
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
  return `a coordinator registered a group session for ${dueToday.length} assignments due today (one bulk insert)`
}

/** `2026-01-12 06:00 UTC`: a day's scheduled time, to the minute (`utcTime` without the seconds). */
function dayTime(time: Date): string {
  return utcTime(time.toISOString()).replace(/:\d\d UTC$/, ' UTC')
}
