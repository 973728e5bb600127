/** One reminder owed to a peer mentor; what a `ReminderSender` delivers. */
export interface Reminder {
  /** The same for every attempt at this reminder: a provider that dedupes by it delivers once. */
  idempotencyKey: string
  assignmentId: number
  mentorId: number
  mentorName: string
  mentorEmail: string
  lastContactDate: Date
  dueAt: Date
  /** 1 for the first attempt; a retry after a failure or a crash counts up. */
  attempt: number
}

export interface SendContext {
  /** Aborted when the run is stopping (it lost its lease): give up on the send then. */
  signal: AbortSignal
}

/**
 * Where reminders go: a push or email service. `send` resolves once the service accepted the
 * reminder and rejects otherwise; the dispatch service records either and retries failures on
 * the next run, always with the reminder's idempotency key.
 */
export interface ReminderSender {
  send(reminder: Reminder, context: SendContext): Promise<void>
}
