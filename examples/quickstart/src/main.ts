import { runScenario } from './scenario.js'

const runs = await runScenario()
console.log('\nExecution log, newest first:')
console.table(
  runs.map((run) => ({
    status: run.status,
    consecutive_failure_count: run.consecutive_failure_count,
    error_message: run.error_message,
    last_success_at: run.last_success_at,
    alerts: run.deliveries
      .map((delivery) => `${delivery.event_type} via ${delivery.notifier}: ${delivery.status}`)
      .join(', '),
  })),
)
