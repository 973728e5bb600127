import { describe, expect, it } from 'vitest'
import { ChannelError } from './channel-error.js'
import { isCronwardenError } from './errors.js'

class TestChannelError extends ChannelError<'http_error' | 'timeout'> {
  override name = 'TestChannelError'
}

describe('ChannelError', () => {
  it('carries code, status, the answer and attempts, defaulting status and answer to null, attempts to 0', () => {
    expect(new TestChannelError('not sent', { code: 'timeout' })).toMatchObject({
      name: 'TestChannelError',
      message: 'not sent',
      code: 'timeout',
      status: null,
      responseBody: null,
      attempts: 0,
    })
    const details = { code: 'http_error', status: 500, responseBody: 'internal_error', attempts: 3 } as const
    expect(new TestChannelError('not sent', details)).toMatchObject(details)
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
