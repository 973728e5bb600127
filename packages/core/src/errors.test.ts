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

  it('keeps what each error was built from as its fields', () => {
    expect(errors[1]).toMatchObject({ issues: [{ path: 'jobName', message: 'required' }] })
    expect(errors[2]).toMatchObject({ jobName: 'nightly', runId: 'run-2', holderRunId: 'run-1' })
    expect(errors[4]).toMatchObject({
      runId: 'run-1',
      message: 'Run run-1 lost its lease: a later run closed it as abandoned',
    })
    expect(errors[5]).toMatchObject({ operation: 'beginRun', cause: new Error('connection refused') })
  })

  it('words both timeouts the same way, naming what did not finish and the limit', () => {
    expect(new NotifyTimeoutError('slack', 5000)).toMatchObject({
      notifierName: 'slack',
      timeoutMs: 5000,
      message: 'Notifier "slack" did not finish within 5000 ms',
    })
    expect(new StoreTimeoutError('beginRun', 250)).toMatchObject({
      operation: 'beginRun',
      timeoutMs: 250,
      message: 'store call beginRun did not finish within 250 ms',
    })
  })
})
