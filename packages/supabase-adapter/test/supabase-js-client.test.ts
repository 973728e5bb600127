// A supabase-js client passed as `db`: the most likely mistake on Supabase. It talks to the Data
// API over HTTP and cannot run the adapter's SQL, so every entry point that takes `db` says so,
// and says what to pass instead. Built with the real createClient (no server is contacted: a
// client connects on its first request, and this one never makes any).
import { OptionsError } from '@cronwarden/core'
import { createClient } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { checkPgCronRuns, createSupabaseStore, migrate, purgeRuns, readJobHealth, vaultSecret } from '../src/index.js'

// Node 20 has no global WebSocket, which supabase-js's realtime client insists on at creation;
// this one never opens a socket.
const supabase = createClient('http://127.0.0.1:54321', 'anon-key', { realtime: { transport: class {} as never } })
const db = supabase as never

const saysWhatToPass = (error: unknown) => {
  expect(error).toBeInstanceOf(Error)
  const { message } = error as Error
  expect(message).toMatch(/db: got a supabase-js client/)
  expect(message).toMatch(/SUPABASE_DB_URL/)
  expect(message).toMatch(/port 6543 with `prepare: false`/)
  return message
}

const caught = async (call: () => unknown) => {
  try {
    await call()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('a supabase-js client as db', () => {
  it('is refused by every entry point that takes db, with one message saying what to pass instead', async () => {
    const errors = {
      createSupabaseStore: await caught(() => createSupabaseStore({ db })),
      checkPgCronRuns: await caught(() => checkPgCronRuns({ db, jobs: ['x'] })),
      readJobHealth: await caught(() => readJobHealth({ db })),
      vaultSecret: await caught(() => vaultSecret(db, 'ops_slack_webhook_url')),
      migrate: await caught(() => migrate(db)),
      purgeRuns: await caught(() => purgeRuns(db, 90)),
    }
    // The options-object entry points keep their OptionsError; the others their TypeError.
    for (const name of ['createSupabaseStore', 'checkPgCronRuns', 'readJobHealth'] as const)
      expect(errors[name], name).toBeInstanceOf(OptionsError)
    for (const name of ['vaultSecret', 'migrate', 'purgeRuns'] as const)
      expect(errors[name], name).toBeInstanceOf(TypeError)
    const messages = Object.values(errors).map(saysWhatToPass)
    const advice = (message: string) => message.slice(message.indexOf('db: got a supabase-js client'))
    expect(new Set(messages.map(advice)).size).toBe(1)
  })

  it('is told apart from other wrong values, which keep the generic message', async () => {
    for (const wrong of [{}, { from: () => {} }, { rpc: () => {}, auth: {} }]) {
      const error = await caught(() => createSupabaseStore({ db: wrong as never }))
      expect((error as Error).message).toMatch(/db: expected a postgres\.js Sql, a node-postgres Pool or Client/)
      expect((error as Error).message).not.toMatch(/supabase-js/)
    }
    // A Proxy whose every trap throws is a wrong value too, not a crash.
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
        has() {
          throw new Error('trap')
        },
      },
    )
    await expect(migrate(hostile as never)).rejects.toBeInstanceOf(TypeError)
  })
})
