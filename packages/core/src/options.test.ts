import { describe, expect, it } from 'vitest'
import { OptionsError } from './errors.js'
import { createMemoryStore } from './memory-store.js'
import { withFailureAlerting } from './with-failure-alerting.js'

const job = async () => {}
const store = createMemoryStore()

function optionsError(options: unknown): OptionsError {
  try {
    withFailureAlerting(job, options as never)
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError)
    return error as OptionsError
  }
  throw new Error('expected withFailureAlerting to throw')
}

describe('withFailureAlerting options', () => {
  it('rejects a threshold of 0, naming the field', () => {
    expect(optionsError({ jobName: 'job', store, failureThreshold: 0 }).message).toMatch(
      /failureThreshold: Too small: expected number to be >=1/,
    )
  })

  it('rejects a fractional threshold', () => {
    expect(optionsError({ jobName: 'job', store, failureThreshold: 1.5 }).issues[0]?.path).toBe('failureThreshold')
  })

  it('rejects a missing job name', () => {
    expect(optionsError({ store }).message).toMatch(/jobName: expected a job name \(a string\)/)
  })

  it('rejects a misspelled key and suggests the right one', () => {
    expect(optionsError({ jobName: 'job', store, failureTreshold: 3 }).message).toMatch(
      /failureTreshold: unknown option \(did you mean "failureThreshold"\?\)/,
    )
  })

  it('rejects a notifier without notify, naming its index', () => {
    expect(optionsError({ jobName: 'job', store, notifiers: [{ name: 'slack' }] }).message).toMatch(
      /notifiers\.0: expected a Notifier/,
    )
  })

  it('rejects two notifiers with one name', () => {
    const notify = async () => {}
    const error = optionsError({
      jobName: 'job',
      store,
      notifiers: [
        { name: 'a', notify },
        { name: 'a', notify },
      ],
    })
    expect(error.issues).toEqual([
      { path: 'notifiers.1.name', message: expect.stringMatching(/duplicate notifier name "a"/) },
    ])
  })

  it('rejects something that is not a store', () => {
    expect(optionsError({ jobName: 'job', store: { listRuns() {} } }).message).toMatch(
      /store: expected an ExecutionLogStore \(an object with beginRun, heartbeat, finishRun, recordMissedRun, enqueueAlert, claimAlerts, recordAlertOutcome, listAlerts, listRuns, getJob, muteJob methods\)/,
    )
  })

  it('rejects a bad lock and timeouts, listing every issue at once', () => {
    const error = optionsError({
      jobName: 'job',
      store,
      lock: { leaseMs: -1 },
      notifyTimeoutMs: 0,
      maxRuntimeMs: 'soon',
    })
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['lock.leaseMs', 'maxRuntimeMs', 'notifyTimeoutMs'])
    expect(error.message).toMatch(/maxRuntimeMs: expected a positive number of milliseconds, or false/)
  })

  it('rejects a job that is not a function', () => {
    expect(() => withFailureAlerting('job' as never, { jobName: 'job', store })).toThrow(/job: expected a function/)
  })

  it('keeps a class-based notifier intact, prototype and all', async () => {
    class CountingNotifier {
      readonly name = 'counting'
      calls = 0
      async notify() {
        this.calls++
      }
    }
    const notifier = new CountingNotifier()
    const run = withFailureAlerting(
      async () => {
        throw new Error('x')
      },
      {
        jobName: 'class-notifier',
        store: createMemoryStore(),
        notifiers: [notifier],
        failureThreshold: 1,
        logger: { info() {}, warn() {}, error() {} },
      },
    )
    await expect(run()).rejects.toThrow('x')
    expect(notifier.calls).toBe(1)
  })
})
