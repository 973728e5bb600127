import { createMemoryStore, OptionsError } from '@cronwarden/core'
import { describe, expect, it } from 'vitest'
import { createReminderCron } from './compose.js'
import { fromPglite } from './db.js'

describe('createReminderCron', () => {
  it('rejects a misspelled option, naming it and the option it resembles', () => {
    const create = () =>
      createReminderCron({
        db: fromPglite({} as never),
        sender: { send: async () => {} },
        store: createMemoryStore(),
        notifiers: [],
        maxFailShare: 0.2,
      } as never)
    expect(create).toThrow(OptionsError)
    expect(create).toThrow(/maxFailShare: unknown option \(did you mean "maxFailedShare"\?\)/)
  })

  it('rejects a failure share outside 0..1', () => {
    expect(() =>
      createReminderCron({
        db: fromPglite({} as never),
        sender: { send: async () => {} },
        store: createMemoryStore(),
        notifiers: [],
        maxFailedShare: 1.5,
      }),
    ).toThrow(/maxFailedShare: expected a share between 0 and 1/)
  })
})
