/**
 * Slack rejects a whole message (`invalid_blocks`) when one block breaks a limit, and an
 * alert that never arrives is worse than a shortened one, so the formatter cuts text to fit.
 * Figures from Slack's Block Kit reference.
 */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextElements: 10,
  contextText: 3_000,
  blocks: 50,
  /** Slack truncates `text` at 40,000 characters; notifications show far less. */
  fallbackText: 3_000,
} as const
