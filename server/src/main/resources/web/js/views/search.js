// Message search: a search box in the header, results in a panel over the message list.
// Snippets are user text: they are built from text nodes, with the server's `highlights`
// ([start, end) offsets, UTF-16 like JavaScript strings) wrapped in <mark> elements.

import { h, clear, displayName, timeOf, dateTimeOf, dayLabel } from '../dom.js';
import { api } from '../api.js';
import { state } from '../store.js';
import { S } from '../strings.js';

const PAGE = 20;

let actions;
let form, input, panel, status, list, more, title;
let query = '';
let last = null; // created_at of the last result shown (for the next page)
let seq = 0; // guards against answers arriving out of order

export function initSearch(a) {
  actions = a;
  form = document.getElementById('search-form');
  input = document.getElementById('search-input');
  panel = document.getElementById('search-panel');
  status = document.getElementById('search-status');
  list = document.getElementById('search-results');
  more = document.getElementById('search-more');
  title = document.getElementById('search-title');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search(input.value);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !panel.hidden) {
      ev.preventDefault();
      closeSearch();
    }
  });
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      closeSearch();
      input.focus();
    }
  });
  document.getElementById('search-close').addEventListener('click', () => { closeSearch(); input.focus(); });
  more.addEventListener('click', () => page(true));
}

export function closeSearch() {
  panel.hidden = true;
  seq += 1;
}

function search(q) {
  query = q.trim();
  if (!query) return;
  last = null;
  clear(list);
  panel.hidden = false;
  title.textContent = S.searchResultsFor(query);
  page(false);
}

async function page(append) {
  const mine = ++seq;
  more.hidden = true;
  status.textContent = S.searching;
  status.classList.remove('error');
  let url = `/api/v1/search?q=${encodeURIComponent(query)}&limit=${PAGE}`;
  if (append && last) url += `&before=${encodeURIComponent(last)}`;
  let reply;
  try {
    reply = await api('GET', url);
  } catch (e) {
    if (mine !== seq) return;
    status.classList.add('error');
    status.textContent = e.status === 422 ? S.searchRefused(e.message) : S.searchFailed(e.message);
    return;
  }
  if (mine !== seq) return;
  for (const r of reply.results) list.append(resultItem(r));
  if (reply.results.length) last = reply.results[reply.results.length - 1].message.created_at;
  const n = list.children.length;
  status.textContent = n === 0 ? S.searchNone : S.searchCount(n, reply.has_more);
  more.hidden = !reply.has_more;
}

/** The snippet as text nodes with the highlighted ranges in <mark>. */
export function highlighted(snippet, highlights) {
  const text = String(snippet || '');
  const ranges = (Array.isArray(highlights) ? highlights : [])
    .filter((r) => Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]))
    .map(([s, e]) => [Math.max(0, s), Math.min(text.length, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [s, e] of ranges) {
    if (s < at) continue; // overlapping range: keep the first
    if (s > at) frag.append(document.createTextNode(text.slice(at, s)));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(s, e);
    frag.append(mark);
    at = e;
  }
  if (at < text.length) frag.append(document.createTextNode(text.slice(at)));
  return frag;
}

function roomLabel(roomId) {
  const room = state.rooms.get(roomId);
  if (!room) return S.roomLeft;
  return room.kind === 'direct' ? S.dmLabel(room.name) : S.roomLabel(room.name);
}

function resultItem(r) {
  const m = r.message;
  const when = S.dayAndTime(dayLabel(m.created_at), timeOf(m.created_at));
  const snippetEl = h('span', { class: 'search-snippet' });
  snippetEl.append(highlighted(r.snippet, r.highlights));
  const button = h('button', {
    type: 'button', class: 'search-hit', dataset: { roomId: m.room_id, messageId: m.id, seq: m.seq },
    disabled: state.rooms.has(m.room_id) ? null : true,
    onclick: () => {
      closeSearch();
      actions.jumpTo(m);
    },
  },
  h('span', { class: 'search-meta' },
    h('span', { class: 'search-room' }, roomLabel(m.room_id)),
    h('span', { class: 'search-author' }, displayName(m.author)),
    h('time', { datetime: m.created_at, title: dateTimeOf(m.created_at) }, when)),
  snippetEl);
  return h('li', {}, button);
}
