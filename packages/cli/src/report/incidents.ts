import type { AlertRecord, RunRecord } from '@cronwarden/core'

/** One streak of failures: from its first failed run to the success that ended it. */
export interface Incident {
  /** `started_at` of the streak's first failed (or abandoned) run, or its first missed time. */
  downSince: string
  /**
   * True when that run already continued a streak (its `consecutive_failure_count` is above
   * 1): the streak began before the oldest run read, so `downSince` is a bound, not its start.
   */
  beganEarlier: boolean
  /** `finished_at` of the success that ended the streak; null while it is still open. */
  recoveredAt: string | null
  /** The failed and abandoned runs and missed times of the streak, oldest first. */
  failures: RunRecord[]
  /** Alert entries created between `downSince` and `recoveredAt` (inclusive), oldest first. */
  alerts: AlertRecord[]
}

/**
 * What counts toward a streak is what the store counts in `consecutive_failure_count`: a
 * failed or abandoned run and a missed scheduled time (a `missed` row) add one, a success
 * ends the streak. `skipped` rows (a live run held the lease) and runs still `running` leave
 * it as it is, so they neither start, extend nor end an incident.
 */
const COUNTS_AS_FAILURE = new Set<RunRecord['status']>(['failed', 'abandoned', 'missed'])

/**
 * The incidents among `runs` (oldest first), and the alert entries during each. Runs are
 * taken in start order; the store counts in the order runs close, which is the same order
 * unless runs of one job overlap (possible only with `lock: false`).
 */
export function deriveIncidents(runs: readonly RunRecord[], alerts: readonly AlertRecord[]): Incident[] {
  const incidents: Incident[] = []
  let open: Incident | null = null
  for (const run of runs) {
    if (COUNTS_AS_FAILURE.has(run.status)) {
      if (open === null) {
        open = {
          downSince: run.started_at,
          beganEarlier: (run.consecutive_failure_count ?? 1) > 1,
          recoveredAt: null,
          failures: [],
          alerts: [],
        }
        incidents.push(open)
      }
      open.failures.push(run)
    } else if (run.status === 'succeeded' && open !== null) {
      open.recoveredAt = run.finished_at ?? run.started_at
      open = null
    }
  }
  for (const incident of incidents) {
    const from = Date.parse(incident.downSince)
    const until = incident.recoveredAt === null ? Number.POSITIVE_INFINITY : Date.parse(incident.recoveredAt)
    incident.alerts = alerts.filter((alert) => {
      const at = Date.parse(alert.created_at)
      return at >= from && at <= until
    })
  }
  return incidents
}

/** The alert entries that fall in no incident, in their order. */
export function alertsOutsideIncidents(alerts: readonly AlertRecord[], incidents: readonly Incident[]): AlertRecord[] {
  const attached = new Set(incidents.flatMap((incident) => incident.alerts.map((alert) => alert.alert_id)))
  return alerts.filter((alert) => !attached.has(alert.alert_id))
}
