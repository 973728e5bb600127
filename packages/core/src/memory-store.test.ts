import * as vitest from 'vitest'
import { describe, expect, it } from 'vitest'
import { createMemoryStore } from './memory-store.js'
import { describeExecutionLogStoreContract } from './testing/store-contract.js'

describeExecutionLogStoreContract(vitest, 'memory', () => createMemoryStore())

describe('createMemoryStore', () => {
  it('drops the oldest rows beyond maxRunsPerJob', async () => {
    const store = createMemoryStore({ maxRunsPerJob: 3 })
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const runId = `run-${i}`
      ids.push(runId)
      await store.beginRun({ jobName: 'job', runId, leaseMs: 1_000, exclusive: true, host: null, alert: null })
      await store.finishRun({
        jobName: 'job',
        runId,
        status: 'succeeded',
        errorMessage: null,
        summary: null,
        alert: null,
      })
    }
    const rows = await store.listRuns({ jobName: 'job', limit: 10 })
    expect(rows.map((row) => row.run_id)).toEqual(['run-4', 'run-3', 'run-2'])
  })

  it('rejects unknown options, naming them', () => {
    expect(() => createMemoryStore({ maxRuns: 3 } as never)).toThrow(
      /maxRuns: unknown option \(did you mean "maxRunsPerJob"\?\)/,
    )
  })

  it('returns copies, so callers cannot change the log', async () => {
    const store = createMemoryStore()
    await store.beginRun({ jobName: 'job', runId: 'r', leaseMs: 1_000, exclusive: false, host: null, alert: null })
    await store.finishRun({
      jobName: 'job',
      runId: 'r',
      status: 'succeeded',
      errorMessage: null,
      summary: { n: 1 },
      alert: null,
    })
    const [row] = await store.listRuns({ jobName: 'job' })
    if (row?.summary) row.summary.n = 2
    expect((await store.listRuns({ jobName: 'job' }))[0]?.summary).toEqual({ n: 1 })
  })
})
