/**
 * Slack rejects a whole message (`invalid_blocks`) when one block breaks a limit, and an
 * alert that never arrives is worse than a shortened one, so the formatter cuts text to fit.
 * Figures from Slack's Block Kit reference.
 */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3_000,
  fieldText: 2_000,
  /** Counts hold by construction: at most 10 fields (an unknown event's), 3 blocks, 1 context element. */
  sectionFields: 10,
  contextElements: 10,
  blocks: 50,
  /**
   * Our own cap for the top-level `text` (Slack cuts it at 40,000): it is what a push
   * notification shows, so a line or two; the blocks carry the rest.
   */
  notificationText: 500,
} as const
