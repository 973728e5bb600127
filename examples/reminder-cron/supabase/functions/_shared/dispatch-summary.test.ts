import { describe, expect, it } from 'vitest'
import { type DispatchSummary, emptySummary, sendsFailed } from './dispatch-summary.ts'

const summary = (sent: number, failed: number): DispatchSummary => ({
  ...emptySummary(),
  due: sent + failed,
  sent,
  failed,
})

describe('sendsFailed', () => {
  it('counts a run with nothing to send as healthy', () => {
    expect(sendsFailed(summary(0, 0), 0.5)).toBe(false)
  })

  it('fails a run whose every send failed, whatever the allowed share', () => {
    expect(sendsFailed(summary(0, 1), 1)).toBe(true)
  })

  it('fails a run when more than the allowed share of its sends failed', () => {
    expect(sendsFailed(summary(4, 6), 0.5)).toBe(true)
    expect(sendsFailed(summary(9, 1), 0.05)).toBe(true)
  })

  it('lets a run with failures up to the allowed share succeed', () => {
    expect(sendsFailed(summary(5, 5), 0.5)).toBe(false)
    expect(sendsFailed(summary(99, 1), 0.01)).toBe(false)
  })
})
