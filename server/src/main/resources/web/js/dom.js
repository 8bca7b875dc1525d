// Small DOM helpers. Every piece of user text goes through text nodes: nothing here ever
// parses HTML, so a message body can never become markup.

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
  return (user && (user.display_name || user.username)) || 'unknown';
}

/**
 * " @username" when a display name is not the username itself: anyone may call themselves
 * "admin" or another member's name, so the handle beside it tells who really wrote.
 */
export function handleIfRenamed(user) {
  if (!user || !user.username || !user.display_name) return '';
  return user.display_name.toLowerCase() === user.username.toLowerCase() ? '' : ` @${user.username}`;
}

export function timeOf(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function dayLabel(iso) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400000);
  if (dayKey(d.toISOString()) === dayKey(today.toISOString())) return 'Today';
  if (dayKey(d.toISOString()) === dayKey(yesterday.toISOString())) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export function snippet(text, n = 80) {
  const t = (text || '').replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}
