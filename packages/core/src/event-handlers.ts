import type { AlertEvent, AlertEventOf, AlertEventType } from './alert-event.js'

/**
 * One function per event type, each given its own event: leaving a type out is a type error,
 * so a new event type in core must be laid out by every channel before that channel compiles.
 * `Args` are passed through to each handler (a channel's settings, say).
 */
export type AlertEventHandlers<Result, Args extends unknown[] = []> = {
  [Type in AlertEventType]: (event: AlertEventOf<Type>, ...args: Args) => Result
}

/**
 * The exhaustive `switch (event.type)` every channel needs, written once:
 * `byEventType({ consecutive_failures: (event) => ..., recovered: (event) => ..., ... })`.
 *
 * Events are data from a wire or a table, so at run time one may carry a type this version
 * does not know (a newer sender's), or not be an object at all: `otherwise` answers those (a
 * channel lays out `readUnknownEvent(event)` there, so the event is still delivered); without
 * it they throw a `TypeError` naming the type, never fall through to a wrong handler (an
 * inherited `toString` or `constructor` is never called as one).
 */
export function byEventType<Result, Args extends unknown[] = []>(
  handlers: AlertEventHandlers<Result, Args>,
  otherwise?: (event: unknown, ...args: Args) => Result,
): (event: AlertEvent, ...args: Args) => Result {
  return (event, ...args) => {
    const type: unknown = typeof event === 'object' && event !== null ? event.type : undefined
    if (typeof type === 'string' && Object.hasOwn(handlers, type)) {
      // The record's keys are the union's tags, so the handler found is the one for this event.
      const handler = handlers[type as AlertEventType] as (event: AlertEvent, ...args: Args) => Result
      return handler(event, ...args)
    }
    if (otherwise) return otherwise(event, ...args)
    throw new TypeError(`No handler for alert event type ${typeof type === 'string' ? `"${type}"` : String(type)}`)
  }
}
