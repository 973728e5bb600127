export {
  type DiscordEmbed,
  type DiscordEmbedField,
  type DiscordMessage,
  formatDiscordMessage,
} from './discord-message.js'
export { WebhookNotifierError, type WebhookNotifierErrorCode, type WebhookNotifierErrorDetails } from './errors.js'
export {
  PAGERDUTY_EVENTS_URL,
  type PagerDutySeverity,
  type WebhookFormat,
  type WebhookFormatFunction,
  type WebhookNotifierOptions,
  type WebhookRequest,
} from './options.js'
export {
  formatPagerDutyEvent,
  type PagerDutyEvent,
  type PagerDutyEventOptions,
  type PagerDutyPayload,
  type PagerDutyResolveEvent,
  type PagerDutyTriggerEvent,
  pagerDutyDedupKey,
} from './pagerduty-event.js'
export type { Resolvable } from './resolve-source.js'
export {
  type AdaptiveCard,
  formatTeamsMessage,
  type TeamsAttachment,
  type TeamsCardElement,
  type TeamsFact,
  type TeamsFactSet,
  type TeamsMessage,
  type TeamsTextBlock,
} from './teams-message.js'
export { createWebhookNotifier } from './webhook-notifier.js'
