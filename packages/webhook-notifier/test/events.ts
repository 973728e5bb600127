// The sample events every notifier's tests share.
export {
  everyEvent,
  failuresEvent,
  longRunningEvent,
  missedRunEvent,
  recoveredEvent,
  stillFailingEvent,
} from '../../../test-support/sample-events.js'
