import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeError, describeNetworkError, kindOf } from './describe-error.js'
import { MAX_ERROR_MESSAGE_LENGTH } from './safe-text.js'
import { hostileValues } from './testing/hostile-values.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

describe('describeError', () => {
  it("gives an Error's message, or its name when the message is empty", () => {
    expect(describeError(new Error('push service answered 503'))).toBe('push service answered 503')
    expect(describeError(new TypeError(''))).toBe('TypeError')
  })

  it('prefixes every non-Error, strings included', () => {
    expect(describeError('text')).toBe('Non-Error thrown: text')
    expect(describeError({ code: 42 })).toBe('Non-Error thrown: {"code":42}')
    expect(describeError(undefined)).toBe('Non-Error thrown: undefined')
    expect(describeError(null)).toBe('Non-Error thrown: null')
    expect(describeError(7n)).toBe('Non-Error thrown: 7')
  })

  it('names a thrown Symbol instead of calling it undefined', () => {
    expect(describeError(Symbol('quota'))).toBe('Non-Error thrown: Symbol(quota)')
  })

  it('reads values whose getters, traps and conversions throw, without throwing', () => {
    const revoked = Proxy.revocable({}, {})
    revoked.revoke()
    const trapsThrow = new Proxy(
      {},
      {
        get() {
          throw new Error('get trap')
        },
        getPrototypeOf() {
          throw new Error('getPrototypeOf trap')
        },
        ownKeys() {
          throw new Error('ownKeys trap')
        },
      },
    )
    const messageThrows = new Error('hidden')
    Object.defineProperty(messageThrows, 'message', {
      get() {
        throw new Error('message getter')
      },
    })
    const cycle = Object.create(null) as Record<string, unknown>
    cycle.self = cycle
    const everythingThrows = {
      toString() {
        throw new Error('toString')
      },
      toJSON() {
        throw new Error('toJSON')
      },
    }
    for (const value of [revoked.proxy, trapsThrow, messageThrows, cycle, everythingThrows]) {
      expect(() => describeError(value)).not.toThrow()
      expect(describeError(value).length).toBeGreaterThan(0)
    }
    expect(describeError(messageThrows)).toBe('Error')
  })

  it('clips 10 MB of text to the one limit, with a visible marker', () => {
    const text = describeError(new Error('x'.repeat(10_000_000)))
    expect(text.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH)
    expect(text).toMatch(/^x{7900,} \[truncated 99\d{5} characters\]$/)
  })

  it('replaces lone surrogates and NUL, and never cuts a surrogate pair in half', () => {
    expect(describeError(new Error('cut 😀'.slice(0, 5)))).toBe('cut \uFFFD')
    expect(describeError(new Error('a\u0000b'))).toBe('a\uFFFDb')
    const emoji = describeError(new Error('😀'.repeat(MAX_ERROR_MESSAGE_LENGTH)))
    expect(emoji).not.toMatch(LONE_SURROGATE)
  })

  it('returns a bounded, well-formed string for any value', () => {
    const hostile = hostileValues()
    // Hostile values are picked by index: fast-check itself cannot inspect a Proxy that throws.
    const anyValue = fc.oneof(
      fc
        .anything({ withBigInt: true, withNullPrototype: true, withMap: true, withSet: true })
        .map((value) => () => value),
      fc.nat({ max: hostile.length - 1 }).map((index) => () => hostile[index]),
    )
    fc.assert(
      fc.property(anyValue, (pick) => {
        const text = describeError(pick())
        expect(typeof text).toBe('string')
        expect(text.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH)
        expect(text).not.toMatch(LONE_SURROGATE)
        expect(text).not.toContain('\u0000')
      }),
    )
  })
})

describe('describeNetworkError', () => {
  it("adds the cause's code, or else the cause's description, to fetch's message", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    expect(describeNetworkError(new TypeError('fetch failed', { cause: refused }))).toBe('fetch failed (ECONNREFUSED)')
    expect(
      describeNetworkError(new TypeError('fetch failed', { cause: new Error('redirect mode is set to error') })),
    ).toBe('fetch failed (redirect mode is set to error)')
    expect(describeNetworkError(new Error('boom'))).toBe('boom')
  })

  it('never throws, whatever it is given', () => {
    for (const value of hostileValues()) expect(typeof describeNetworkError(value)).toBe('string')
  })
})

it('names what kind of value it was given without reading it', () => {
  const trap = new Proxy(
    {},
    {
      get: () => {
        throw new Error('read')
      },
    },
  )
  expect([undefined, null, 3, 'x', trap, () => 1].map(kindOf)).toEqual([
    'undefined',
    'null',
    'a number',
    'a string',
    'an object',
    'a function',
  ])
})
