export { createEmailNotifier } from './email-notifier.js'
export { EmailNotifierError, type EmailNotifierErrorDetails, SmtpError, type SmtpStage } from './errors.js'
export {
  DEFAULT_MESSAGE_ID_DOMAIN,
  type FormatEmailOptions,
  type FormattedEmail,
  formatEmail,
} from './format-email.js'
export { DEFAULT_TIMEOUT_MS, type EmailNotifierOptions } from './options.js'
export { incidentMessageId } from './thread-ids.js'
export type { EmailTransport, MailTransporter, SmtpTransportOptions, TransportResolver } from './transport.js'
