export { SlackNotifierError, type SlackNotifierErrorCode, type SlackNotifierErrorDetails } from './errors.js'
export { formatSlackMessage } from './format-slack-message.js'
export { SLACK_LIMITS } from './slack-limits.js'
export type {
  ContextBlock,
  HeaderBlock,
  MrkdwnTextObject,
  PlainTextObject,
  SectionBlock,
  SlackBlock,
  SlackMessage,
} from './slack-message.js'
export { createSlackNotifier, type SlackNotifierOptions, type WebhookUrlSource } from './slack-notifier.js'
