import { describe, expect, it, vi } from 'vitest'
import { runScenario } from './scenario.js'

describe('quickstart scenario', () => {
  it('alerts once on the second failure and resets on the next success', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const alerts = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    const runs = await runScenario(alerts)
    expect(runs.map((run) => [run.status, run.consecutive_failure_count])).toEqual([
      ['succeeded', 0],
      ['succeeded', 0],
      ['failed', 2],
      ['failed', 1],
      ['succeeded', 0],
    ])
    expect(alerts.error).toHaveBeenCalledTimes(1)
    expect(alerts.error.mock.calls[0]?.[1]).toMatchObject({
      type: 'consecutive_failures',
      consecutive_failure_count: 2,
      last_success_at: runs[4]?.finished_at,
      error_message: 'push service answered 503 Service Unavailable',
    })
    expect(runs[2]?.deliveries).toMatchObject([{ notifier: 'log', status: 'delivered' }])
  })
})
