import { createMemoryStore, OptionsError } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { fromPglite } from '../../../src/pglite-db.ts'
import { createReminderCron, type ReminderCronOptions } from './compose.ts'

// Options are checked when wrapping, before any query: an unopened database is enough.
const base: ReminderCronOptions = {
  db: fromPglite({} as never),
  sender: { send: async () => {} },
  store: createMemoryStore(),
  notifiers: [],
}

describe('createReminderCron', () => {
  it('rejects a misspelled option, naming it and the option it resembles', () => {
    const create = () => createReminderCron({ ...base, maxFailShare: 0.2 } as never)
    expect(create).toThrow(OptionsError)
    expect(create).toThrow(/maxFailShare: unknown option \(did you mean "maxFailedShare"\?\)/)
  })

  it('rejects a failure share outside 0..1', () => {
    expect(() => createReminderCron({ ...base, maxFailedShare: 1.5 })).toThrow(
      /maxFailedShare: expected a share between 0 and 1/,
    )
  })
})
