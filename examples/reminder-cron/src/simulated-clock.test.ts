import { describe, expect, it } from 'vitest'
import { latestDailyRun } from './daily-schedule.js'
import { createSimulatedClock } from './simulated-clock.js'

describe('createSimulatedClock', () => {
  it('starts at the given moment and runs on with the real time that passes', () => {
    let elapsed = 1_000.4
    const clock = createSimulatedClock(new Date('2026-01-12T06:00:00.000Z'), () => elapsed)
    expect(clock.now().toISOString()).toBe('2026-01-12T06:00:00.000Z')
    elapsed += 41.7
    expect(clock.now().toISOString()).toBe('2026-01-12T06:00:00.041Z')
  })

  it('jumps to the next day and runs on from there, not from where it left off', () => {
    let elapsed = 0
    const clock = createSimulatedClock(new Date('2026-01-12T06:00:00.000Z'), () => elapsed)
    elapsed = 5_000
    clock.jumpTo(new Date('2026-01-13T06:00:00.000Z'))
    expect(clock.now().toISOString()).toBe('2026-01-13T06:00:00.000Z')
    elapsed += 25
    expect(clock.now().toISOString()).toBe('2026-01-13T06:00:00.025Z')
  })
})

describe('latestDailyRun', () => {
  it('is today at 06:00 UTC from 06:00 UTC on', () => {
    expect(latestDailyRun(new Date('2026-01-12T06:00:00.000Z')).toISOString()).toBe('2026-01-12T06:00:00.000Z')
    expect(latestDailyRun(new Date('2026-01-12T23:59:59.999Z')).toISOString()).toBe('2026-01-12T06:00:00.000Z')
  })

  it('is yesterday at 06:00 UTC before 06:00 UTC, across a month end', () => {
    expect(latestDailyRun(new Date('2026-02-01T05:59:59.999Z')).toISOString()).toBe('2026-01-31T06:00:00.000Z')
  })
})
