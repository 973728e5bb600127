import { startReminderSink } from '../src/reminder-sink.js'
import { exitWithParent } from './children.js'

// The push service in its own process, so it does not share the bench's event loop.
exitWithParent()
const sink = await startReminderSink()
process.send?.({ url: sink.url })
process.on('message', (message) => {
  if (message === 'count') process.send?.({ received: sink.received.length, distinct: sink.byKey.size })
  if (message === 'stop') void sink.close().then(() => process.exit(0))
})
