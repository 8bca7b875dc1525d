// The language switch (#21): a labelled <select> that can be mounted anywhere (the profile
// dialog, the sign-in card), and the translation of index.html's static markup at start.

import { h } from '../dom.js';
import { LANGUAGES, lang, setLang } from '../i18n.js';
import { S } from '../strings.js';

/**
 * "Language: [English | 한국어]". Each language is named in itself, so a reader of either finds
 * theirs whatever the page shows. Choosing one stores it and reloads the page in it.
 * `compact` is the small form of the sign-in card's footer.
 */
export function languageField({ compact = false } = {}) {
  const select = h('select', { id: 'lang-select', name: 'lang' },
    Object.entries(LANGUAGES).map(([code, name]) => h('option', { value: code, lang: code, selected: code === lang() }, name)));
  select.addEventListener('change', () => setLang(select.value));
  return h('label', { class: compact ? 'field lang-field compact' : 'field lang-field' }, h('span', {}, S.language), select);
}

const ATTRIBUTES = { i18nLabel: 'aria-label', i18nPlaceholder: 'placeholder', i18nTitle: 'title' };

/**
 * Static markup names its strings by key: `data-i18n` the text, `data-i18n-label` the
 * aria-label, `data-i18n-placeholder` and `data-i18n-title` those attributes. The English text
 * stays in the HTML for a page whose scripts do not run.
 */
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n], [data-i18n-label], [data-i18n-placeholder], [data-i18n-title]')) {
    if (el.dataset.i18n && typeof S[el.dataset.i18n] === 'string') el.textContent = S[el.dataset.i18n];
    for (const [data, attr] of Object.entries(ATTRIBUTES)) {
      const key = el.dataset[data];
      if (key && typeof S[key] === 'string') el.setAttribute(attr, S[key]);
    }
  }
}
