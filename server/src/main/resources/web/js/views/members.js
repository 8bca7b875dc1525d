// The members panel of the open room: presence dots (from the member list, then live
// `presence` events), status texts, profile cards on a click (views/profile.js), roles, a
// button to start a direct message, and what my role allows:
// "Invite people" above the list, "Remove" (owners and admins, for members below their role)
// and "Role" (owners) on each member. The server still decides; these only hide what it refuses.

import { h, clear, avatar, displayName } from '../dom.js';
import { state, currentRoom } from '../store.js';
import { S } from '../strings.js';
import { opensProfile, profileButton } from './profile.js';
import { canInvite, canRemove, canChangeRoles, inviteDialog, removeMemberDialog, roleDialog } from './roomsettings.js';

let actions;

export function initMembers(a) {
  actions = a;
}

export function renderMembers() {
  const room = currentRoom();
  renderTools(room);
  const ul = clear(document.getElementById('member-list'));
  const members = state.members.get(state.currentRoomId);
  if (!members) {
    ul.append(h('li', { class: 'muted' }, S.membersLoading));
    return;
  }
  const sorted = [...members].sort((a, b) => Number(isOnline(b)) - Number(isOnline(a))
    || displayName(a.user).localeCompare(displayName(b.user)));
  for (const m of sorted) ul.append(memberItem(room, m));
}

function memberItem(room, m) {
  const online = isOnline(m);
  const me = state.me && m.user.id === state.me.id;
  const who = m.user.username;
  const presence = online ? S.online : S.offline;
  const li = h('li', { class: 'member', dataset: { username: who } },
    h('span', { class: 'avatar-wrap' }, opensProfile(avatar(m.user, 'sm'), m.user),
      h('span', { class: `dot ${online ? 'online' : 'offline'}`, role: 'img', 'aria-label': presence, title: presence })),
    h('span', { class: 'member-text' },
      profileButton(m.user, 'member-name', displayName(m.user), h('span', { class: 'muted' }, ` @${who}`)),
      m.user.status_text ? h('span', { class: 'member-status muted', title: m.user.status_text }, m.user.status_text) : null),
    m.role !== 'member' ? h('span', { class: 'role' }, S.memberRole(m.role)) : null);
  const tools = h('span', { class: 'member-actions' });
  if (!me) {
    tools.append(h('button', { type: 'button', class: 'small', 'aria-label': S.messageMemberLabel(who), onclick: () => actions.startDm(who) }, S.messageMember));
  }
  if (room && canChangeRoles(room)) {
    tools.append(h('button', {
      type: 'button', class: 'small member-role', 'aria-label': S.changeRoleLabel(who), 'aria-haspopup': 'dialog',
      dataset: { focusKey: `role:${who}` }, onclick: () => roleDialog(room, m),
    }, S.changeRole));
  }
  if (room && canRemove(room, m)) {
    tools.append(h('button', {
      type: 'button', class: 'small member-remove', 'aria-label': S.removeMemberLabel(who), 'aria-haspopup': 'dialog',
      dataset: { focusKey: `remove:${who}` }, onclick: () => removeMemberDialog(room, m),
    }, S.removeMember));
  }
  if (tools.childElementCount) li.append(tools);
  return li;
}

function renderTools(room) {
  const tools = clear(document.getElementById('members-tools'));
  if (room && canInvite(room)) {
    tools.append(h('button', {
      type: 'button', class: 'small', id: 'members-invite', 'aria-haspopup': 'dialog',
      dataset: { focusKey: 'members-invite' }, onclick: () => inviteDialog(room),
    }, S.membersInvite));
  }
}

function isOnline(m) {
  return state.online.has(m.user.username) ? state.online.get(m.user.username) : !!m.online;
}
