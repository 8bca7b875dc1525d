// The room list (channels and direct messages), most recently active first, with unread
// badges; and the room header (name, topic).

import { h, clear } from '../dom.js';
import { state, sortedRooms, currentRoom } from '../store.js';

let actions;

export function initRooms(a) {
  actions = a;
}

export function renderRooms() {
  const channels = clear(document.getElementById('channel-list'));
  const dms = clear(document.getElementById('dm-list'));
  for (const room of sortedRooms()) {
    const current = room.id === state.currentRoomId;
    const unread = current ? 0 : room.unread_count || 0;
    const label = room.kind === 'direct' ? `@${room.name}` : `# ${room.name}`;
    const button = h('button', {
      type: 'button', class: `room${current ? ' current' : ''}${unread ? ' unread' : ''}`,
      'aria-current': current ? 'page' : null, dataset: { roomId: room.id },
      onclick: () => actions.openRoom(room.id),
    }, h('span', { class: 'room-name' }, label));
    if (unread) {
      button.append(h('span', { class: 'badge', 'aria-label': `${unread} unread` }, unread > 99 ? '99+' : String(unread)));
    }
    (room.kind === 'direct' ? dms : channels).append(h('li', {}, button));
  }
  const total = [...state.rooms.values()].reduce((n, r) => n + (r.id === state.currentRoomId ? 0 : r.unread_count || 0), 0);
  document.title = total ? `(${total}) Banter` : 'Banter';
}

export function renderHeader() {
  const room = currentRoom();
  document.getElementById('room-name').textContent = room
    ? (room.kind === 'direct' ? `@${room.name}` : `# ${room.name}`) : 'No room';
  document.getElementById('room-topic').textContent = (room && room.topic) || '';
  document.getElementById('input').placeholder = room ? `Message ${room.kind === 'direct' ? '@' : '#'}${room.name}` : '';
}

const STATUS_TEXT = { connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline', connecting: 'Connecting…' };

export function renderConnection() {
  const el = document.getElementById('conn');
  el.textContent = STATUS_TEXT[state.connection] || state.connection;
  el.className = `conn ${state.connection}`;
}
