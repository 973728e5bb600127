import { displayText } from './safe-text.js'

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Text as HTML text or as a quoted attribute value (an email's HTML body, the CLI's health
 * page): the five characters that could end either, or start markup, become entities, so an
 * error holding `<script>` shows as text. Bidi controls are neutralised first (`displayText`),
 * as every channel does, so a name reads as it is stored.
 */
export function escapeHtml(text: string): string {
  return displayText(text).replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character)
}
