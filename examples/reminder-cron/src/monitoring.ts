import {
  createLogNotifier,
  createMemoryStore,
  type ExecutionLogStore,
  type Logger,
  type Notifier,
} from '@cronwarden/core'

export interface Monitoring {
  store: ExecutionLogStore
  notifiers: Notifier[]
}

/**
 * Where runs are recorded and alerts go, for the embedded example: the in-memory store and
 * a log line per alert. This is the one place to swap for the Postgres store (the execution
 * log next to the domain tables) and a chat notifier whose webhook URL comes from Vault.
 */
export function createEmbeddedMonitoring(alertLogger?: Logger): Monitoring {
  return {
    store: createMemoryStore(),
    notifiers: [createLogNotifier(alertLogger ? { logger: alertLogger } : {})],
  }
}
