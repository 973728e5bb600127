import { expect, it } from 'vitest'
import { untilAborted } from './until-aborted.js'

const never = new Promise<never>(() => {})

it('settles like the promise while the signal has not aborted', async () => {
  const signal = new AbortController().signal
  await expect(untilAborted(Promise.resolve('sent'), signal)).resolves.toBe('sent')
  await expect(untilAborted(Promise.reject(new Error('refused')), signal)).rejects.toThrow('refused')
})

it("rejects with the signal's reason, or the given one, as soon as the signal aborts", async () => {
  const controller = new AbortController()
  const waiting = untilAborted(never, controller.signal)
  controller.abort(new Error('deadline'))
  await expect(waiting).rejects.toThrow('deadline')
  await expect(untilAborted(never, controller.signal, () => new Error('timeout (timeoutMs)'))).rejects.toThrow(
    'timeout (timeoutMs)',
  )
})
