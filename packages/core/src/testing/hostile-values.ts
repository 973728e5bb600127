/**
 * Values user code can throw, reject with or return that have broken naive error handling:
 * each reads badly in its own way. Fresh objects per call, since some are single-use.
 */
export function hostileValues(): unknown[] {
  const revoked = Proxy.revocable({}, {})
  revoked.revoke()
  const trap = () => {
    throw new Error('trap')
  }
  const trapsThrow = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap })
  const messageThrows = new Error('unreadable')
  Object.defineProperty(messageThrows, 'message', { get: trap })
  const cycle = Object.create(null) as Record<string, unknown>
  cycle.self = cycle
  const conversionsThrow = { toString: trap, toJSON: trap, [Symbol.toPrimitive]: trap }
  return [
    revoked.proxy,
    trapsThrow,
    messageThrows,
    cycle,
    conversionsThrow,
    Symbol('thrown'),
    12n,
    undefined,
    null,
    'x'.repeat(10_000_000),
    'half an emoji \uD83D',
    'nul \u0000 inside',
    'right-to-left \u202Eevil',
    new Error('ok 😀'.slice(0, 4)),
  ]
}
