import { escapeHtml } from '@cronwarden/core/plugin'

/** Markup the page built itself: `html` interpolates it as is instead of escaping it again. */
export class SafeHtml {
  readonly #markup: string
  constructor(markup: string) {
    this.#markup = markup
  }
  toString(): string {
    return this.#markup
  }
}

/** What `html` accepts between its markup: `false`, null and undefined render nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[]

/**
 * The only way the report builds markup. Every interpolated string or number is text and is
 * escaped; only a `SafeHtml` (another `html` result) goes in as markup. Attribute values in
 * the templates are always quoted, so escaped text cannot leave them.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? ''
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '')
  })
  return new SafeHtml(markup)
}

/** Markup from a constant of the page's own (its style sheet), never from data. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup)
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString()
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === null || value === undefined || value === false || value === true) return ''
  return escapeHtml(String(value))
}
