import { describe, expect, it, vi } from 'vitest'
import { fenceClock, fenceHook, fenceLogger } from './fences.js'

describe('fences', () => {
  it('keeps a logger call that works and drops the throw of one that does not', () => {
    const info = vi.fn()
    const logger = fenceLogger({
      info,
      warn: () => {
        throw new Error('disk full')
      },
      error: () => {
        throw Symbol('odd')
      },
    })
    logger.info('hello', { a: 1 })
    expect(info).toHaveBeenCalledWith('hello', { a: 1 })
    expect(() => logger.warn('x')).not.toThrow()
    expect(() => logger.error('x')).not.toThrow()
  })

  it('falls back to the system clock when the given one throws or gives no valid date', () => {
    const fixed = new Date('2026-01-05T06:00:00Z')
    expect(fenceClock(() => fixed)()).toBe(fixed)
    for (const clock of [
      () => {
        throw new Error('clock')
      },
      () => new Date(Number.NaN),
      () => 'today' as unknown as Date,
    ]) {
      const value = fenceClock(clock)()
      expect(value).toBeInstanceOf(Date)
      expect(Number.isFinite(value.getTime())).toBe(true)
    }
  })

  it('drops what a hook throws or rejects with', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    try {
      expect(() =>
        fenceHook(() => {
          throw new Error('hook')
        })(),
      ).not.toThrow()
      fenceHook(async () => {
        throw new Error('async hook')
      })()
      fenceHook(undefined)()
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
    }
  })
})
