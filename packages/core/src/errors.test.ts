import { describe, expect, it } from 'vitest'
import {
  CronwardenError,
  DeliveryError,
  isCronwardenError,
  LeaseLostError,
  NotifyTimeoutError,
  OptionsError,
  RunSkippedError,
  StoreError,
  StoreTimeoutError,
} from './index.js'

// One of each exported error, as core builds them.
const errors: CronwardenError[] = [
  new CronwardenError('base'),
  new OptionsError('options', [{ path: 'jobName', message: 'required' }]),
  new RunSkippedError('nightly', 'run-2', 'run-1'),
  new NotifyTimeoutError('slack', 5000),
  new LeaseLostError('run-1'),
  new StoreError('beginRun', { cause: new Error('connection refused') }),
  new StoreTimeoutError('beginRun', 5000),
  new DeliveryError('delivery failed'),
]

describe('isCronwardenError and errorCode', () => {
  it.each(errors.map((error) => [error.name, error] as const))('recognises %s', (_name, error) => {
    expect(isCronwardenError(error)).toBe(true)
    expect(error.errorCode).toMatch(/^ERR_CRONWARDEN(_[A-Z]+)*$/)
  })

  it('gives every error class its own code, derived from its name', () => {
    const codes = errors.map((error) => error.errorCode)
    expect(new Set(codes).size).toBe(codes.length)
    for (const error of errors) {
      const words = error.name.replace(/Error$/, '').replace(/^Cronwarden$/, '')
      const expected = ['ERR_CRONWARDEN', ...words.split(/(?=[A-Z])/).filter(Boolean)].join('_').toUpperCase()
      expect(error.errorCode).toBe(expected)
    }
  })

  it('says no to plain errors, lookalike objects and non-objects', () => {
    const lookalikes: unknown[] = [
      new Error('plain'),
      Object.assign(new Error('renamed'), { name: 'StoreError' }),
      { name: 'StoreError', message: 'x', errorCode: 'ERR_CRONWARDEN_STORE' },
      { [Symbol('cronwarden.error')]: true },
      null,
      undefined,
      'StoreError',
      42,
    ]
    for (const value of lookalikes) expect(isCronwardenError(value)).toBe(false)
  })

  it('keeps the brand and the code out of own enumerable keys, so logs and JSON are unchanged', () => {
    const error = new StoreTimeoutError('beginRun', 5000)
    expect(Object.keys(error)).not.toContain('errorCode')
    expect(Object.getOwnPropertySymbols(error)).toEqual([])
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'StoreTimeoutError',
      operation: 'beginRun',
      timeoutMs: 5000,
    })
  })
})
