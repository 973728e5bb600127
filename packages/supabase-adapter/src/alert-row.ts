import type {
  AlertEvent,
  AlertEventType,
  AlertPolicy,
  AlertRecord,
  AlertSpec,
  NotifierDeliveryState,
  PendingAlert,
} from '@cronwarden/core'
import { cleanJson, cleanText } from '@cronwarden/core/plugin'
import { type EpochMs, type TransitionRow, toIso, toTransition } from './transition-row.js'

/** One notifier's state inside an entry, as `cronwarden.cron_alerts.notifiers` holds it. */
interface NotifierStateRow extends Omit<NotifierDeliveryState, 'last_attempt_at' | 'next_attempt_at'> {
  last_attempt_at: EpochMs | null
  next_attempt_at: EpochMs | null
}

/** The entry JSON that `cronwarden.alert_json` builds for claims and listings. */
export interface AlertRow {
  alert_id: string
  job_name: string
  run_id: string
  created_at: EpochMs
  expires_at: EpochMs
  expired: boolean
  muted: boolean
  subject: { kind: 'transition'; transition: TransitionRow } | { kind: 'event'; event: AlertEvent }
  /** Entries written before migration 0007 lack `realertEveryMs`. */
  policy: StoredPolicy
  notifiers: NotifierStateRow[]
  event_type: AlertEventType | null
  status: AlertRecord['status']
  claim_token: string | null
}

export function toPendingAlert(row: AlertRow): PendingAlert {
  return {
    alertId: row.alert_id,
    jobName: row.job_name,
    runId: row.run_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    expired: row.expired,
    muted: row.muted,
    subject:
      row.subject.kind === 'transition'
        ? { kind: 'transition', transition: toTransition(row.job_name, row.subject.transition) }
        : { kind: 'event', event: row.subject.event },
    policy: toPolicy(row.policy),
    notifiers: row.notifiers.map(toNotifierState),
    // Entries are handed out only claimed; an unclaimed one has nothing to prove.
    claimToken: row.claim_token ?? '',
  }
}

/** What `cronwarden.write_alert` returns: the parts of a new entry its writer cannot know. */
export interface WrittenAlertRow {
  alert_id: string
  created_at: EpochMs
  claim_token: string | null
  /** Decided by write_alert from the job's mute (migration 0007). */
  muted: boolean
}

/**
 * A just-written entry as a PendingAlert. Everything but its id, time and claim follows from
 * what the writer passed: the policy, and every owed notifier pending and due at once, as
 * `cronwarden.pending_state` writes them.
 */
export function toWrittenAlert(
  row: WrittenAlertRow,
  about: { jobName: string; runId: string; subject: PendingAlert['subject'] },
  spec: AlertSpec,
): PendingAlert {
  const due = new Date(row.created_at).toISOString()
  return {
    alertId: row.alert_id,
    jobName: about.jobName,
    runId: about.runId,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.created_at + spec.ttlMs),
    expired: spec.ttlMs <= 0,
    muted: row.muted,
    subject: about.subject,
    policy: toPolicy(spec.policy),
    notifiers: spec.notifiers.map((name) => ({
      notifier: cleanText(name),
      status: 'pending',
      attempts: 0,
      last_error: null,
      last_attempt_at: null,
      next_attempt_at: due,
    })),
    claimToken: row.claim_token ?? '',
  }
}

export function toAlertRecord(row: AlertRow): AlertRecord {
  return {
    alert_id: row.alert_id,
    job_name: row.job_name,
    run_id: row.run_id,
    event_type: row.event_type,
    status: row.status,
    created_at: new Date(row.created_at).toISOString(),
    expires_at: new Date(row.expires_at).toISOString(),
    notifiers: row.notifiers.map(toNotifierState),
  }
}

/** A policy as stored: `realertEveryMs` is missing from entries written before it existed. */
type StoredPolicy = Omit<AlertPolicy, 'realertEveryMs'> & { realertEveryMs?: number | null }

/** Only the policy's fields, each present: what is stored, and what a PendingAlert carries. */
function toPolicy(policy: StoredPolicy): AlertPolicy {
  return {
    failureThreshold: policy.failureThreshold,
    notifyOnRecovery: policy.notifyOnRecovery,
    realertEveryMs: policy.realertEveryMs ?? null,
  }
}

function toNotifierState(row: NotifierStateRow): NotifierDeliveryState {
  return { ...row, last_attempt_at: toIso(row.last_attempt_at), next_attempt_at: toIso(row.next_attempt_at) }
}

/**
 * An AlertSpec as the SQL functions' `p_alert` argument (JSON text), or null: no entry is
 * written. Only the known fields, so nothing else a caller's object carries reaches the table.
 */
export function alertSpecText(spec: AlertSpec | null): string | null {
  // Callers in plain JavaScript may leave it out altogether.
  if (!spec) return null
  return cleanJson({
    policy: toPolicy(spec.policy),
    notifiers: spec.notifiers,
    ttlMs: spec.ttlMs,
    claimMs: spec.claimMs,
  })
}
