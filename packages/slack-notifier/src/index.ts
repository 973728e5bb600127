export { SlackNotifierError, type SlackNotifierErrorCode, type SlackNotifierErrorDetails } from './errors.js'
export { formatSlackMessage } from './format-slack-message.js'
export type { WebhookUrlSource } from './resolve-webhook-url.js'
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
export { createSlackNotifier, type SlackNotifierOptions } from './slack-notifier.js'
