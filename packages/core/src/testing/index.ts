export type { ContractAssertion, ContractExpect, ContractMatchers, ContractRunner } from './contract-runner.js'
export { hostileValues } from './hostile-values.js'
export {
  createRecordingNotifier,
  type RecordingNotifier,
  type RecordingNotifierOptions,
} from './recording-notifier.js'
export {
  describeExecutionLogStoreContract,
  type ExecutionLogStoreContractOptions,
  type StoreFactory,
} from './store-contract.js'
