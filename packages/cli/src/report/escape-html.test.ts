import { describe, expect, it } from 'vitest'
import { html, trustedHtml } from './escape-html.js'

describe('html', () => {
  it('escapes interpolated text and numbers, including inside attribute values', () => {
    const name = '"><img src=x onerror=alert(1)>'
    expect(html`<p title="${name}">${name} ${42}</p>`.toString()).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt; 42</p>',
    )
  })

  it('nests its own results and arrays of them without escaping them twice', () => {
    const items = ['<a>', '<b>'].map((text) => html`<li>${text}</li>`)
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>&lt;a&gt;</li><li>&lt;b&gt;</li></ul>')
  })

  it('renders nothing for null, undefined and booleans, so conditions read naturally', () => {
    expect(html`[${null}${undefined}${false}${true}]`.toString()).toBe('[]')
  })

  it('takes the page’s own constants as markup only when marked trusted', () => {
    expect(html`${trustedHtml('<b>x</b>')}|${'<b>x</b>'}`.toString()).toBe('<b>x</b>|&lt;b&gt;x&lt;/b&gt;')
  })
})
