import { describe, expect, it } from 'vitest'
import { abandonedMessage, advanceStreak, type ClosedExecution, type StreakState } from './streak.js'

const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 6, minute))
const fresh: StreakState = { consecutiveFailureCount: 0, downSince: null, lastSuccessAt: null, lastFailureAt: null }
const closed = (status: ClosedExecution['status'], minute: number): ClosedExecution => ({
  jobName: 'job',
  runId: `run-${minute}`,
  status,
  startedAt: at(minute),
  finishedAt: at(minute + 1),
  errorMessage: status === 'succeeded' ? null : 'boom',
  missed: null,
})

/** Runs the executions through the rules, returning each transition. */
function replay(...executions: ClosedExecution[]) {
  let state = fresh
  return executions.map((execution) => {
    const result = advanceStreak(state, execution)
    state = result.state
    return result.transition
  })
}

describe('advanceStreak', () => {
  it('counts failed, abandoned and missed alike, from the first failure’s start, and a success resets', () => {
    const transitions = replay(
      closed('failed', 0),
      closed('missed', 10),
      closed('abandoned', 20),
      closed('succeeded', 30),
      closed('failed', 40),
    )
    expect(
      transitions.map((transition) => [transition.previousFailureCount, transition.consecutiveFailureCount]),
    ).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 0],
      [0, 1],
    ])
    expect(transitions.map((transition) => transition.downSince)).toEqual([at(0), at(0), at(0), at(0), at(40)])
    expect(transitions.map((transition) => transition.previousFailureAt)).toEqual([null, at(1), at(11), null, null])
    expect(transitions[3]?.lastSuccessAt).toEqual(at(31))
    expect(transitions[4]?.lastSuccessAt).toEqual(at(31))
  })

  it('leaves the state it was given alone', () => {
    const before = { ...fresh }
    advanceStreak(fresh, closed('failed', 0))
    expect(fresh).toEqual(before)
  })
})

it('says why a run was abandoned, with the lease’s end', () => {
  expect(abandonedMessage(at(0))).toBe(
    'Run abandoned: its lease expired at 2026-01-05T06:00:00.000Z without a heartbeat (the process likely crashed or stalled)',
  )
})
