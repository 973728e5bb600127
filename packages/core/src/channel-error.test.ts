import { describe, expect, it } from 'vitest'
import { ChannelError } from './channel-error.js'
import { isCronwardenError } from './errors.js'

class TestChannelError extends ChannelError<'http_error' | 'timeout'> {
  override name = 'TestChannelError'
}

describe('ChannelError', () => {
  it('carries code, status and attempts, defaulting status to null and attempts to 0', () => {
    expect(new TestChannelError('not sent', { code: 'timeout' })).toMatchObject({
      name: 'TestChannelError',
      message: 'not sent',
      code: 'timeout',
      status: null,
      attempts: 0,
    })
    expect(new TestChannelError('not sent', { code: 'http_error', status: 500, attempts: 3 })).toMatchObject({
      code: 'http_error',
      status: 500,
      attempts: 3,
    })
  })

  it('keeps a given cause and adds none when there is none', () => {
    const cause = new Error('reset')
    expect(new TestChannelError('not sent', { code: 'timeout', cause }).cause).toBe(cause)
    expect('cause' in new TestChannelError('not sent', { code: 'timeout' })).toBe(false)
  })

  it('is a cronwarden error', () => {
    expect(isCronwardenError(new TestChannelError('not sent', { code: 'timeout' }))).toBe(true)
  })
})
