import { createRedactor, redactUrls } from '@cronwarden/core/plugin'

// Any Slack webhook path, with or without its host's scheme: a different (e.g. rotated)
// webhook than the one being sent to is just as much a secret.
const SLACK_WEBHOOK_PATH = /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)\S+/gi

function redactSlackWebhookPaths(text: string): string {
  return text.replace(SLACK_WEBHOOK_PATH, '$1[redacted]')
}

/**
 * The webhook URL is a bearer secret: whoever has it can post to the channel. Text that
 * reaches an error (a response body, a network error's message) goes through this first.
 */
export function createWebhookRedactor(url: string): (text: string) => string {
  const redactUrl = createRedactor([url], '[webhook URL]')
  return (text) => redactSlackWebhookPaths(redactUrl(text))
}

/** For text written before the URL is known (a failing webhookUrl function). */
export function redactAnyUrl(text: string): string {
  return redactSlackWebhookPaths(redactUrls(text))
}
