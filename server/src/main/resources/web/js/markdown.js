// Message bodies as the safe Markdown subset of SPEC §8: emphasis, strong, strikethrough,
// inline code, fenced code blocks, block quotes, lists, autolinked http(s) URLs, @mentions and
// :shortcode: emoji. markdown-it (vendored, docs/decisions.md) only parses; the DOM is built
// here from its token stream with createElement and text nodes, from a fixed table of
// elements. No user text is ever parsed as HTML, so raw HTML in a body shows as text.

import markdownit from './vendor/markdown-it.esm.min.mjs';
import { emojiFor } from './shortcodes.js';

const MAX_NESTING = 20;
// 'zero' starts with paragraphs and text only; the subset is switched on rule by rule, so
// headings, tables, rules, indented code, [links](…), images, HTML and &entities; stay text.
const md = markdownit('zero', { html: false, linkify: true, maxNesting: MAX_NESTING })
  .enable(['fence', 'blockquote', 'list', 'newline', 'escape', 'backticks', 'strikethrough', 'emphasis', 'linkify']);
// Only URLs written with http:// or https:// become links: no bare domains, e-mail
// addresses, ftp: or protocol-relative //host.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false })
  .add('ftp:', null).add('//', null).add('mailto:', null);
// A link shows its URL as written: markdown-it would show a punycode host decoded, so that
// https://xn--pple-43d.com/ read "https://аpple.com/".
md.normalizeLinkText = (s) => s;

/** Opening tokens and the element each becomes; any other opening token adds no element. */
const ELEMENTS = new Map([
  ['paragraph_open', 'p'], ['blockquote_open', 'blockquote'], ['bullet_list_open', 'ul'],
  ['ordered_list_open', 'ol'], ['list_item_open', 'li'], ['strong_open', 'strong'], ['em_open', 'em'],
  ['s_open', 's'],
]);

// @word (not inside a word or an e-mail address; a trailing '.' or '-' is punctuation), and
// :shortcode: (the reaction shortcode syntax, not inside a word or a time like 12:30:00).
const SPECIAL_RE = /(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)|(?<!\w):([a-z0-9_+-]{1,30}):/g;

// @room (every member) and @here (members online): they name every reader.
const BROADCAST = new Set(['room', 'here']);

/**
 * A body as DOM nodes. `me` is the reader's username: a mention of it, @room and @here also get
 * the class `mention-me`.
 */
export function renderBody(text, { me = null } = {}) {
  const frag = document.createDocumentFragment();
  const tokens = parse(text);
  if (tokens) build(tokens, frag, { me: me ? me.toLowerCase() : null, inLink: 0 });
  else frag.append(element('p', String(text)));
  return frag;
}

/** A body as one line of plain text (reply quotes, the composer's "Replying to …"). */
export function plainText(text) {
  const tokens = parse(text);
  if (!tokens) return String(text).replace(/\s+/g, ' ').trim();
  const parts = [];
  for (const t of tokens) {
    if (t.type === 'fence') parts.push(t.content);
    if (t.type !== 'inline') continue;
    for (const c of t.children) {
      if (c.type === 'text') parts.push(c.content.replace(SPECIAL_RE, (m, ignored, code) => (code && emojiFor(code)) || m));
      else if (c.type === 'softbreak' || c.type === 'hardbreak') parts.push(' ');
      else parts.push(c.content);
    }
    parts.push(' ');
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/**
 * The tokens, or null when the blocks nest as deep as markdown-it goes: past its limit it
 * drops the rest of the body, and a message must never hide part of itself. Such a body is
 * shown as written.
 */
function parse(text) {
  const tokens = md.parse(String(text), {});
  return tokens.some((t) => t.level >= MAX_NESTING - 1) ? null : tokens;
}

function build(tokens, parent, ctx) {
  const stack = [parent];
  for (const t of tokens) {
    const top = stack[stack.length - 1];
    if (t.type === 'link_open') ctx.inLink += 1;
    if (t.type === 'link_close') ctx.inLink -= 1;
    if (t.nesting === 1) {
      const el = opened(t);
      if (el) top.append(el);
      stack.push(el || top);
    } else if (t.nesting === -1) {
      stack.pop();
    } else if (t.type === 'inline') {
      build(t.children, top, ctx);
    } else {
      top.append(leaf(t, ctx));
    }
  }
}

function opened(t) {
  if (t.hidden) return null; // the paragraph of a tight list item
  if (t.type === 'link_open') return link(t.attrGet('href'));
  const tag = ELEMENTS.get(t.type);
  if (!tag) return null;
  const el = document.createElement(tag);
  const start = t.attrGet('start'); // set only when it is not 1
  if (tag === 'ol' && start !== null) el.start = Number(start);
  return el;
}

/** An <a> for an http(s) URL only, checked here after URL parsing; null (text) for any other. */
function link(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const a = document.createElement('a');
  a.href = url.href;
  a.rel = 'noopener noreferrer';
  a.target = '_blank';
  return a;
}

function leaf(t, ctx) {
  switch (t.type) {
    case 'text': return ctx.inLink ? document.createTextNode(t.content) : withSpecials(t.content, ctx);
    case 'softbreak': return document.createTextNode('\n'); // .body is pre-wrap: a line break
    case 'hardbreak': return document.createElement('br');
    case 'code_inline': return element('code', t.content);
    case 'fence': {
      const pre = document.createElement('pre');
      pre.append(element('code', t.content.replace(/\n$/, '')));
      return pre;
    }
    default: return document.createTextNode(t.content || '');
  }
}

function withSpecials(text, ctx) {
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const m of text.matchAll(SPECIAL_RE)) {
    const [whole, user, code] = m;
    let el = null;
    if (user) {
      el = element('span', whole);
      const name = user.toLowerCase();
      el.className = ctx.me && (name === ctx.me || BROADCAST.has(name)) ? 'mention mention-me' : 'mention';
    } else if (emojiFor(code)) {
      el = element('span', emojiFor(code));
      el.className = 'emoji';
      el.title = whole;
    }
    if (!el) continue;
    if (m.index > at) frag.append(text.slice(at, m.index));
    frag.append(el);
    at = m.index + whole.length;
  }
  if (at < text.length) frag.append(text.slice(at));
  return frag;
}

function element(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}
