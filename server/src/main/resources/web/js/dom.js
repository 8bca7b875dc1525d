// Small DOM helpers. Every piece of user text goes through text nodes: nothing here ever
// parses HTML, so a message body can never become markup.

import { lang } from './i18n.js';
import { S } from './strings.js';

/** Creates an element; string children become text nodes, `text` sets textContent. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/**
 * The avatar URL when we are willing to load it: this server's `/api/v1/avatars/{key}` (open, so
 * an <img> loads it without a token), an upload path of an older server, or https:.
 */
export function safeAvatarUrl(url) {
  if (!url) return null;
  if (/^\/api\/v1\/(avatars|uploads)\/[A-Za-z0-9_-]+$/.test(url)) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function avatar(user, size = 'md') {
  const src = safeAvatarUrl(user && user.avatar_url);
  if (src) {
    const img = h('img', { class: `avatar ${size}`, alt: '' });
    img.src = src;
    // a retired key (the user changed their avatar meanwhile) or an old upload path: the initial
    img.addEventListener('error', () => img.replaceWith(initial(user, size)), { once: true });
    return img;
  }
  return initial(user, size);
}

function initial(user, size) {
  const name = (user && (user.display_name || user.username)) || '?';
  return h('span', { class: `avatar ${size} initial`, 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase());
}

export function displayName(user) {
  return (user && (user.display_name || user.username)) || S.unknownUser;
}

/**
 * " @username" when a display name is not the username itself: anyone may call themselves
 * "admin" or another member's name, so the handle beside it tells who really wrote.
 */
export function handleIfRenamed(user) {
  if (!user || !user.username || !user.display_name) return '';
  return user.display_name.toLowerCase() === user.username.toLowerCase() ? '' : ` @${user.username}`;
}

// Dates and times in the page's language (i18n.js) through Intl, one formatter of each kind.
const fmtTime = new Intl.DateTimeFormat(lang(), { hour: '2-digit', minute: '2-digit' });
const fmtDay = new Intl.DateTimeFormat(lang(), { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const fmtFull = new Intl.DateTimeFormat(lang(), { dateStyle: 'full', timeStyle: 'short' });
const fmtShort = new Intl.DateTimeFormat(lang(), { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const fmtRelDay = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' });

/** "14:05" / "오후 02:05". */
export function timeOf(iso) {
  return fmtTime.format(new Date(iso));
}

/** A full date and time, for a `title` ("Friday, 4 December 2026 at 14:05"). */
export function dateTimeOf(iso) {
  return fmtFull.format(new Date(iso));
}

/** A weekday and a time ("Fri 14:05"), for what is within the coming week. */
export function weekdayTimeOf(iso) {
  return fmtShort.format(new Date(iso));
}

export function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** "Today", "Yesterday" (Intl's own words: "오늘", "어제"), else the full date. */
export function dayLabel(iso) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400000);
  if (dayKey(d.toISOString()) === dayKey(today.toISOString())) return capitalise(fmtRelDay.format(0, 'day'));
  if (dayKey(d.toISOString()) === dayKey(yesterday.toISOString())) return capitalise(fmtRelDay.format(-1, 'day'));
  return fmtDay.format(d);
}

function capitalise(s) {
  return s.charAt(0).toLocaleUpperCase(lang()) + s.slice(1);
}

/** A number in the page's language ("1,234.5" / "1,234.5"; digits grouped as the language does). */
export function formatNumber(n, fractionDigits = 0) {
  return new Intl.NumberFormat(lang(), { maximumFractionDigits: fractionDigits }).format(n);
}

export function snippet(text, n = 80) {
  const t = (text || '').replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}
