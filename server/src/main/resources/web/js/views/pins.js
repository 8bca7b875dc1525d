// The pinned-messages panel (SPEC §8): a "Pinned" button in the room header opens the room's
// pins, newest pin first, over the message list; clicking one shows the message in context.
// Bodies are user text: shown as text nodes (a short plain snippet), never as HTML.

import { h, clear, displayName, timeOf, dateTimeOf, dayLabel, snippet } from '../dom.js';
import { api } from '../api.js';
import { state } from '../store.js';
import { S } from '../strings.js';

let actions;
let panel, status, list, toggle;
let roomId = null; // the room whose pins the open panel shows
let seq = 0; // guards against answers arriving out of order

export function initPins(a) {
  actions = a;
  panel = document.getElementById('pins-panel');
  status = document.getElementById('pins-status');
  list = document.getElementById('pins-list');
  toggle = document.getElementById('toggle-pins');
  toggle.addEventListener('click', () => (panel.hidden ? openPins() : closePins()));
  document.getElementById('pins-close').addEventListener('click', () => { closePins(); toggle.focus(); });
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      closePins();
      toggle.focus();
    }
  });
}

export function closePins() {
  panel.hidden = true;
  roomId = null;
  seq += 1;
  toggle.setAttribute('aria-expanded', 'false');
}

function openPins() {
  if (!state.currentRoomId) return;
  roomId = state.currentRoomId;
  panel.hidden = false;
  toggle.setAttribute('aria-expanded', 'true');
  panel.focus();
  load();
}

/** A message of `changedRoomId` changed (a pin, an unpin, an edit): refresh an open panel. */
export function pinsChanged(changedRoomId) {
  if (!panel.hidden && changedRoomId === roomId) load();
}

/** The room on screen changed: the panel showed another room's pins. */
export function roomOpened(id) {
  if (!panel.hidden && id !== roomId) closePins();
}

async function load() {
  const mine = ++seq;
  status.classList.remove('error');
  if (!list.children.length) status.textContent = S.loading;
  let reply;
  try {
    reply = await api('GET', `/api/v1/rooms/${encodeURIComponent(roomId)}/pins`);
  } catch (e) {
    if (mine !== seq) return;
    status.classList.add('error');
    status.textContent = S.pinsLoadFailed(e.message);
    return;
  }
  if (mine !== seq) return;
  clear(list);
  for (const m of reply.messages) list.append(pinItem(m));
  const n = reply.messages.length;
  status.textContent = n === 0 ? S.pinsNone : S.pinsCount(n);
}

function pinItem(m) {
  const button = h('button', {
    type: 'button', class: 'pin-hit', dataset: { messageId: m.id, seq: m.seq },
    onclick: () => {
      closePins();
      actions.jumpTo(m);
    },
  },
  h('span', { class: 'pin-meta' },
    h('span', { class: 'pin-author' }, displayName(m.author)),
    h('time', { datetime: m.created_at, title: dateTimeOf(m.created_at) },
      S.dayAndTime(dayLabel(m.created_at), timeOf(m.created_at))),
    h('span', { class: 'pin-by' }, S.pinnedByLower(m.pinned_by || S.someone))),
  h('span', { class: 'pin-snippet' }, snippet(m.body, 200)));
  return h('li', {}, button);
}
