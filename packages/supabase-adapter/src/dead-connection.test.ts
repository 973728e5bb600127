import { describe, expect, it } from 'vitest'
import { classifyFailure, MAX_ATTEMPTS, retryAfterDeadConnection } from './dead-connection.js'

// The errors as each client raises them (shapes copied from what PostgreSQL 15 produced).
const fatal = (code: string) =>
  Object.assign(new Error('terminating connection due to administrator command'), { code })
const postgresJsCode = (code: string) => Object.assign(new Error(`write ${code} 127.0.0.1:5432`), { code })
const terminated = new Error('Connection terminated unexpectedly')
const notQueryable = new Error('Client has encountered a connection error and is not queryable')
const sqlError = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })

describe('classifyFailure', () => {
  it("takes postgres.js's FATAL connection errors as never sent, and its closed connections as maybe sent", () => {
    expect(['57P01', '57P02', '57P03'].map((code) => classifyFailure('postgres.js', fatal(code)))).toEqual([
      'not-sent',
      'not-sent',
      'not-sent',
    ])
    expect(
      ['CONNECTION_CLOSED', 'ECONNRESET', 'EPIPE'].map((code) => classifyFailure('postgres.js', postgresJsCode(code))),
    ).toEqual(['connection-lost', 'connection-lost', 'connection-lost'])
    // The pool is ending: a retry would be refused the same way.
    expect(classifyFailure('postgres.js', postgresJsCode('CONNECTION_ENDED'))).toBe('other')
  })

  it("takes node-postgres's FATAL answers and cut sockets as maybe sent, and only 57P03 as never sent", () => {
    expect(classifyFailure('node-postgres', fatal('57P01'))).toBe('connection-lost')
    expect(classifyFailure('node-postgres', fatal('57P02'))).toBe('connection-lost')
    expect(classifyFailure('node-postgres', terminated)).toBe('connection-lost')
    expect(classifyFailure('node-postgres', fatal('57P03'))).toBe('not-sent')
    // A Client that lost its connection: a retry would fail the same way.
    expect(classifyFailure('node-postgres', notQueryable)).toBe('other')
  })

  it('leaves SQL errors and anything else alone', () => {
    for (const family of ['postgres.js', 'node-postgres'] as const) {
      expect(classifyFailure(family, sqlError)).toBe('other')
      expect(classifyFailure(family, 'a string')).toBe('other')
      expect(classifyFailure(family, null)).toBe('other')
    }
  })
})

describe('retryAfterDeadConnection', () => {
  const failingWith = (...errors: unknown[]) => {
    let calls = 0
    const attempt = async () => {
      const error = errors[calls++]
      if (error !== undefined) throw error
      return 'answer'
    }
    return { attempt, calls: () => calls }
  }

  it('retries a statement that was never sent, whatever the call', async () => {
    const { attempt, calls } = failingWith(fatal('57P01'))
    await expect(retryAfterDeadConnection('postgres.js', false, attempt)).resolves.toBe('answer')
    expect(calls()).toBe(2)
  })

  it('retries a statement that may have been sent only when the call is safe to repeat', async () => {
    const unsafe = failingWith(postgresJsCode('CONNECTION_CLOSED'))
    await expect(retryAfterDeadConnection('postgres.js', false, unsafe.attempt)).rejects.toThrow(/CONNECTION_CLOSED/)
    expect(unsafe.calls()).toBe(1)
    const safe = failingWith(postgresJsCode('CONNECTION_CLOSED'), fatal('57P01'))
    await expect(retryAfterDeadConnection('postgres.js', true, safe.attempt)).resolves.toBe('answer')
    expect(safe.calls()).toBe(3)
  })

  it(`gives up after ${MAX_ATTEMPTS} attempts with the last error, and never retries a SQL error`, async () => {
    const refusing = failingWith(fatal('57P03'), fatal('57P03'), fatal('57P03'), fatal('57P03'))
    await expect(retryAfterDeadConnection('node-postgres', true, refusing.attempt)).rejects.toMatchObject({
      code: '57P03',
    })
    expect(refusing.calls()).toBe(MAX_ATTEMPTS)
    const failing = failingWith(sqlError)
    await expect(retryAfterDeadConnection('node-postgres', true, failing.attempt)).rejects.toBe(sqlError)
    expect(failing.calls()).toBe(1)
  })
})
