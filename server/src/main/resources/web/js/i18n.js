// The page's language (#21): English or Korean. The choice is `localStorage` `banter.lang` when
// the user made one, else the first of the browser's languages that is one of ours, else English.
// It is fixed for the life of the page: switching stores the new choice and reloads, which
// re-renders every view without each of them having to listen for a change.
// This module imports nothing, so strings.js and dom.js can both depend on it.

const KEY = 'banter.lang';

/** The languages there is a catalogue for, each named in itself (for the switch). */
export const LANGUAGES = { en: 'English', ko: '한국어' };

function supported(tag) {
  const base = String(tag || '').toLowerCase().split('-')[0];
  return Object.hasOwn(LANGUAGES, base) ? base : null;
}

function stored() {
  try {
    return supported(localStorage.getItem(KEY));
  } catch {
    return null; // storage refused (private mode): follow the browser
  }
}

function fromBrowser() {
  const list = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language];
  for (const tag of list) {
    const l = supported(tag);
    if (l) return l;
  }
  return 'en';
}

const chosen = stored() || fromBrowser();
document.documentElement.lang = chosen;

/** 'en' or 'ko': the language of this page. */
export function lang() {
  return chosen;
}

/** Keeps `l` as the user's language and reloads the page in it. */
export function setLang(l) {
  const next = supported(l) || 'en';
  try {
    localStorage.setItem(KEY, next);
  } catch { /* not kept: the reload follows the browser again */ }
  if (next !== chosen) location.reload();
}

/**
 * The table of this page's language: every key of `base` (English), taken from the translation
 * when it has the key with the same type (function or string; nested tables key by key), else
 * from English, so a key not yet translated shows in English instead of breaking the view.
 */
export function localise(base, translations) {
  const t = translations[chosen];
  return t ? merge(base, t) : base;
}

function merge(base, t) {
  const out = {};
  for (const [k, v] of Object.entries(base)) {
    const w = t && Object.hasOwn(t, k) ? t[k] : undefined;
    if (Array.isArray(v)) out[k] = Array.isArray(w) && w.length === v.length ? w : v;
    else if (v && typeof v === 'object') out[k] = merge(v, w && typeof w === 'object' ? w : {});
    else out[k] = typeof w === typeof v ? w : v;
  }
  return out;
}
