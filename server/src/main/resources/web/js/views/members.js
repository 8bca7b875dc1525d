// The members panel of the open room: presence dots (from the member list, then live
// `presence` events), roles, and a button to start a direct message.

import { h, clear, avatar, displayName } from '../dom.js';
import { state } from '../store.js';

let actions;

export function initMembers(a) {
  actions = a;
}

export function renderMembers() {
  const ul = clear(document.getElementById('member-list'));
  const members = state.members.get(state.currentRoomId);
  if (!members) {
    ul.append(h('li', { class: 'muted' }, 'Loading…'));
    return;
  }
  const sorted = [...members].sort((a, b) => Number(isOnline(b)) - Number(isOnline(a))
    || displayName(a.user).localeCompare(displayName(b.user)));
  for (const m of sorted) {
    const online = isOnline(m);
    const me = state.me && m.user.id === state.me.id;
    const li = h('li', { class: 'member', dataset: { username: m.user.username } },
      h('span', { class: 'avatar-wrap' }, avatar(m.user, 'sm'),
        h('span', { class: `dot ${online ? 'online' : 'offline'}`, role: 'img', 'aria-label': online ? 'online' : 'offline', title: online ? 'online' : 'offline' })),
      h('span', { class: 'member-name' }, displayName(m.user), h('span', { class: 'muted' }, ` @${m.user.username}`)),
      m.role !== 'member' ? h('span', { class: 'role' }, m.role) : null);
    if (!me) {
      li.append(h('button', { type: 'button', class: 'small', 'aria-label': `Message ${m.user.username}`, onclick: () => actions.startDm(m.user.username) }, 'Message'));
    }
    ul.append(li);
  }
}

function isOnline(m) {
  return state.online.has(m.user.username) ? state.online.get(m.user.username) : !!m.online;
}
