import type { AlertEvent } from '../alert-event.js'
import type { Notifier, NotifyContext } from '../ports.js'

/** A notifier for tests: it keeps every event it is asked to send. */
export interface RecordingNotifier extends Notifier {
  /** Every event passed to `notify`, in call order (recorded before `behaviour` runs). */
  readonly events: AlertEvent[]
  /** Drops recorded events. */
  clear(): void
}

/** Options of `createRecordingNotifier`. */
export interface RecordingNotifierOptions {
  /** The notifier's name. Default `recording`. */
  name?: string
  /** Runs after recording: throw, reject or hang here to simulate a broken channel. */
  behaviour?: (event: AlertEvent, context: NotifyContext) => void | Promise<void>
}

/** A notifier that remembers what it was asked to send, for tests of jobs and stores. */
export function createRecordingNotifier(options: RecordingNotifierOptions = {}): RecordingNotifier {
  const events: AlertEvent[] = []
  return {
    name: options.name ?? 'recording',
    events,
    clear() {
      events.length = 0
    },
    async notify(event, context) {
      events.push(event)
      await options.behaviour?.(event, context)
    },
  }
}
