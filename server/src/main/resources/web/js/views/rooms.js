// The room list (channels and direct messages), most recently active first, with unread
// badges and mention badges; the room header (name, topic, the ⚙ Room button); the tab title's count.

import { h, clear } from '../dom.js';
import { state, sortedRooms, currentRoom, isQuiet, isMuted, pageVisible } from '../store.js';
import { S } from '../strings.js';
import { levelOf, renderNotifyButton } from './notify.js';
import { renderRoomSettingsButton } from './roomsettings.js';

let actions;

export function initRooms(a) {
  actions = a;
}

export function renderRooms() {
  const channels = clear(document.getElementById('channel-list'));
  const dms = clear(document.getElementById('dm-list'));
  for (const room of sortedRooms()) {
    const current = room.id === state.currentRoomId;
    const seen = current && pageVisible();
    const unread = seen ? 0 : room.unread_count || 0;
    const mentions = seen ? 0 : room.mention_count || 0;
    const quiet = isQuiet(room);
    const label = room.kind === 'direct' ? S.dmLabel(room.name) : S.roomLabel(room.name);
    const button = h('button', {
      type: 'button', class: `room${current ? ' current' : ''}${unread ? ' unread' : ''}${quiet ? ' quiet' : ''}`,
      'aria-current': current ? 'page' : null, dataset: { roomId: room.id },
      onclick: () => actions.openRoom(room.id),
    }, h('span', { class: 'room-name' }, label));
    const marks = h('span', { class: 'room-marks' });
    if (quiet) marks.append(h('span', { class: 'quiet-mark', role: 'img', 'aria-label': isMuted(room) ? S.muted : S.levelNone, title: isMuted(room) ? S.muted : S.levelNone }, '🔕'));
    if (mentions) marks.append(h('span', { class: 'badge mention-badge', 'aria-label': S.mentionsLabel(mentions) }, S.mentionBadge(mentions)));
    if (unread) {
      marks.append(h('span', { class: 'badge', 'aria-label': S.unreadLabel(unread) }, S.unreadBadge(unread)));
    }
    if (marks.childElementCount) button.append(marks);
    (room.kind === 'direct' ? dms : channels).append(h('li', {}, button));
  }
  document.title = S.title(titleCount());
}

/**
 * The tab title's "(n)": the messages that would notify me — every unread message of a room set
 * to "All", the unread mentions of a room set to "Mentions", nothing of a room set to "Nothing" or
 * muted; the room on screen counts only while the tab is hidden.
 */
function titleCount() {
  let n = 0;
  for (const r of state.rooms.values()) {
    if (isQuiet(r) || (r.id === state.currentRoomId && pageVisible())) continue;
    n += levelOf(r) === 'all' ? r.unread_count || 0 : r.mention_count || 0;
  }
  return n;
}

export function renderHeader() {
  const room = currentRoom();
  document.getElementById('room-name').textContent = room
    ? (room.kind === 'direct' ? S.dmLabel(room.name) : S.roomLabel(room.name)) : S.noRoom;
  document.getElementById('room-topic').textContent = (room && room.topic) || '';
  document.getElementById('input').placeholder = room ? S.composerPlaceholder(room.kind === 'direct' ? S.dmLabel(room.name) : `#${room.name}`) : '';
  renderNotifyButton();
  renderRoomSettingsButton();
}


export function renderConnection() {
  const el = document.getElementById('conn');
  el.textContent = S.connection(state.connection);
  el.className = `conn ${state.connection}`;
}
