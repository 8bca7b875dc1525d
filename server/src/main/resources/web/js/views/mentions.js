// @-autocomplete for a composer: typing "@" and a few letters lists the open room's members
// (username and display name) and @room / @here; arrow keys move, Enter or Tab picks, Escape
// closes, a click picks. The pick replaces the typed "@prefix" with "@username ".
// ARIA combobox pattern: the textarea owns a listbox and points at the active option.

import { h, avatar, displayName } from '../dom.js';
import { state } from '../store.js';
import { S } from '../strings.js';

const MAX_SHOWN = 8;
// "@" at the start or after a space or punctuation (not inside a word or an e-mail), then the
// name typed so far, right before the caret.
const TRIGGER_RE = /(?:^|[^\w@.])@([\w.-]{0,32})$/;

let nextId = 1;

export function attachMentions(input) {
  const id = `mentions-${nextId++}`;
  const listbox = h('ul', { id, class: 'mention-list', role: 'listbox', 'aria-label': S.mentionSuggestions, hidden: true });
  input.parentElement.append(listbox);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', id);
  let options = [];
  let active = 0;
  let start = -1; // index of the "@" being completed

  function close() {
    listbox.hidden = true;
    listbox.replaceChildren();
    options = [];
    start = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function update() {
    const caret = input.selectionStart;
    if (caret !== input.selectionEnd) return close();
    const m = TRIGGER_RE.exec(input.value.slice(0, caret));
    if (!m) return close();
    const prefix = m[1].toLowerCase();
    options = candidates(prefix);
    if (!options.length) return close();
    start = caret - m[1].length - 1;
    active = 0;
    render();
  }

  function render() {
    listbox.replaceChildren(...options.map((o, i) => {
      const li = h('li', {
        id: `${id}-${i}`, role: 'option', class: `mention-option${i === active ? ' active' : ''}`,
        'aria-selected': i === active ? 'true' : 'false', dataset: { username: o.username },
      },
      o.user ? avatar(o.user, 'sm') : h('span', { class: 'avatar sm initial', 'aria-hidden': 'true' }, '@'),
      h('span', { class: 'mention-username' }, `@${o.username}`),
      h('span', { class: 'mention-name muted' }, o.label));
      // mousedown, not click: the textarea must keep its focus and caret
      li.addEventListener('mousedown', (ev) => {
        ev.preventDefault();
        pick(i);
      });
      return li;
    }));
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    input.setAttribute('aria-activedescendant', `${id}-${active}`);
  }

  function pick(i) {
    const o = options[i];
    if (!o || start < 0) return;
    const caret = input.selectionStart;
    const before = input.value.slice(0, start);
    const after = input.value.slice(caret).replace(/^[\w.-]*/, ''); // the rest of a name typed in the middle
    const text = `@${o.username} `;
    input.value = before + text + after.replace(/^ /, '');
    const at = before.length + text.length;
    input.setSelectionRange(at, at);
    close();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus();
  }

  // Capture, so that Enter picks here before the composer's own handler sends the message.
  input.addEventListener('keydown', (ev) => {
    if (listbox.hidden || !options.length) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      active = (active + (ev.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
      render();
    } else if ((ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) || ev.key === 'Tab') {
      pick(active);
    } else if (ev.key === 'Escape') {
      close();
    } else {
      return;
    }
    ev.preventDefault();
    ev.stopImmediatePropagation();
  }, true);
  input.addEventListener('input', update);
  input.addEventListener('click', update);
  input.addEventListener('blur', close);
}

/** Members of the open room whose username or display name starts with `prefix`, then @room and @here. */
function candidates(prefix) {
  const members = state.members.get(state.currentRoomId) || [];
  const me = state.me && state.me.username;
  const people = members
    .map((m) => m.user)
    .filter((u) => u.username !== me)
    .filter((u) => u.username.toLowerCase().startsWith(prefix)
      || (u.display_name || '').toLowerCase().split(/\s+/).some((w) => w.startsWith(prefix)))
    .sort((a, b) => a.username.localeCompare(b.username))
    .map((u) => ({ username: u.username, label: displayName(u), user: u }));
  const room = state.rooms.get(state.currentRoomId);
  const broadcast = room && room.kind === 'direct' ? [] : [
    { username: 'room', label: S.mentionRoom },
    { username: 'here', label: S.mentionHere },
  ].filter((o) => o.username.startsWith(prefix));
  return [...people.slice(0, MAX_SHOWN - broadcast.length), ...broadcast];
}
