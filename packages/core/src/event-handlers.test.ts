import { describe, expect, expectTypeOf, it } from 'vitest'
import { everyEvent, failuresEvent, recoveredEvent } from '../../../test-support/sample-events.js'
import type { AlertEvent, RecoveredEvent } from './alert-event.js'
import { byEventType } from './event-handlers.js'

const typeOf = byEventType({
  consecutive_failures: (event) => `failures ${event.consecutive_failure_count}`,
  long_running: (event) => `long ${event.running_for_ms}`,
  recovered: (event) => `recovered ${event.failures_in_streak}`,
  missed_run: (event) => `missed ${event.expected_at}`,
  still_failing: (event) => `still ${event.down_for_ms}`,
})

describe('byEventType', () => {
  it('calls the handler of the event type, with that event', () => {
    expect(everyEvent.map((event) => typeOf(event))).toEqual([
      'failures 2',
      'long 1800000',
      'recovered 3',
      'missed 2026-11-30T03:00:00.000Z',
      'still 129605000',
    ])
  })

  it('passes extra arguments through to the handler', () => {
    const greet = byEventType<string, [greeting: string]>({
      consecutive_failures: (event, greeting) => `${greeting} ${event.job_name}`,
      long_running: (_event, greeting) => greeting,
      recovered: (_event, greeting) => greeting,
      missed_run: (_event, greeting) => greeting,
      still_failing: (_event, greeting) => greeting,
    })
    expect(greet(failuresEvent, 'hello')).toBe('hello assignment-reminders')
  })

  it('gives an unknown type, a non-object and an inherited key to `otherwise`', () => {
    const withFallback = byEventType(
      {
        consecutive_failures: () => 'known',
        long_running: () => 'known',
        recovered: () => 'known',
        missed_run: () => 'known',
        still_failing: () => 'known',
      },
      (event) => `unknown: ${JSON.stringify(event)}`,
    )
    const odd = (value: unknown) => withFallback(value as AlertEvent)
    expect(odd({ type: 'future' })).toBe('unknown: {"type":"future"}')
    expect(odd({ type: 'toString' })).toBe('unknown: {"type":"toString"}')
    expect(odd(null)).toBe('unknown: null')
    expect(odd(recoveredEvent)).toBe('known')
  })

  it('throws a TypeError naming the type when there is no `otherwise`', () => {
    expect(() => typeOf({ type: 'future' } as unknown as AlertEvent)).toThrow(
      new TypeError('No handler for alert event type "future"'),
    )
    expect(() => typeOf(undefined as unknown as AlertEvent)).toThrow(/type undefined/)
  })

  it('narrows each handler to its own event, and refuses a missing or misspelled handler', () => {
    byEventType({
      consecutive_failures: () => 0,
      long_running: () => 0,
      recovered: (event) => {
        expectTypeOf(event).toEqualTypeOf<RecoveredEvent>()
        return 0
      },
      missed_run: () => 0,
      still_failing: () => 0,
    })
    // @ts-expect-error still_failing is missing
    byEventType({
      consecutive_failures: () => 0,
      long_running: () => 0,
      recovered: () => 0,
      missed_run: () => 0,
    })
    byEventType({
      consecutive_failures: () => 0,
      long_running: () => 0,
      recovered: () => 0,
      missed_run: () => 0,
      still_failing: () => 0,
      // @ts-expect-error no such event type
      stil_failing: () => 0,
    })
  })
})
