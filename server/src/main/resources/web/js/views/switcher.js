// Navigation views. The quick switcher (Ctrl+K, or Cmd+K on a Mac, and a sidebar button): a modal <dialog> with a
// filter box over my rooms and direct messages. The box is an ARIA combobox owning a listbox:
// focus stays in it, Up/Down move the active entry, Enter opens it, a click opens one, Escape
// closes and gives focus back to where it was. Matching: a prefix of the name, then a prefix of
// a word in it, then anywhere in it, then its letters in order (fuzzy); rooms with unread
// messages come first within each kind of match (and first of all with an empty box), then the
// most recently active. Also the notice a deep link that cannot be followed shows, the "Link
// copied" toast, and the dialog showing a link when the clipboard refuses it.

import { h } from '../dom.js';
import { state, sortedRooms } from '../store.js';
import { S } from '../strings.js';

const MAX_SHOWN = 50;

let actions;
let dialog = null;

export function initSwitcher(a) {
  actions = a;
  document.addEventListener('keydown', (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.shiftKey || ev.key.toLowerCase() !== 'k') return;
    if (document.getElementById('app').hidden) return;
    ev.preventDefault();
    if (dialog) dialog.close();
    else if (!document.querySelector('dialog[open]')) openSwitcher();
  });
  const button = h('button', {
    type: 'button', id: 'btn-switcher', class: 'switcher-button', 'aria-haspopup': 'dialog',
    'aria-keyshortcuts': 'Control+K Meta+K', onclick: () => openSwitcher(),
  }, h('span', {}, S.switcherButton), h('kbd', { 'aria-hidden': 'true' }, isMac() ? '⌘K' : 'Ctrl+K'));
  document.querySelector('#sidebar .sidebar-actions').prepend(button);
}

function isMac() {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || '');
}

function label(room) {
  return room.kind === 'direct' ? S.dmLabel(room.name) : S.roomLabel(room.name);
}

/**
 * How well `q` (lower case) matches `name`: 0 a prefix, 1 a word's prefix, 2 inside it, 3 its
 * letters in order; -1 no match.
 */
export function matchRank(name, q) {
  const n = name.toLowerCase();
  if (!q || n.startsWith(q)) return 0;
  if (n.split(/[\s_.\-/]+/).some((w) => w.startsWith(q))) return 1;
  if (n.includes(q)) return 2;
  let i = 0;
  for (const c of n) if (c === q[i]) i += 1;
  return i === q.length ? 3 : -1;
}

function unread(room) {
  return (room.unread_count || 0) > 0 || (room.mention_count || 0) > 0;
}

/** The rooms matching `query`, best first. */
export function switcherRooms(query) {
  const q = query.trim().toLowerCase().replace(/^[#@]\s*/, '');
  return sortedRooms()
    .map((room, recent) => ({ room, recent, rank: matchRank(room.name || '', q) }))
    .filter((x) => x.rank >= 0)
    .sort((a, b) => a.rank - b.rank || Number(unread(b.room)) - Number(unread(a.room)) || a.recent - b.recent)
    .slice(0, MAX_SHOWN)
    .map((x) => x.room);
}

export function openSwitcher() {
  if (dialog) return;
  const returnTo = document.activeElement;
  let chosen = false;
  const titleId = 'switcher-title';
  const listId = 'switcher-list';
  const input = h('input', {
    type: 'text', class: 'switcher-input', role: 'combobox', 'aria-label': S.switcherInput,
    placeholder: S.switcherPlaceholder, autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'true', 'aria-controls': listId, 'aria-describedby': 'switcher-hint',
  });
  const list = h('ul', { id: listId, class: 'switcher-list', role: 'listbox', 'aria-label': S.switcherList });
  const empty = h('p', { class: 'muted switcher-empty', role: 'status' });
  dialog = h('dialog', { class: 'dialog switcher', 'aria-labelledby': titleId },
    h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, S.switcherTitle),
      h('button', { type: 'button', class: 'icon', 'aria-label': S.close, onclick: () => dialog.close() }, '×')),
    h('div', { class: 'dialog-body' }, input,
      h('p', { id: 'switcher-hint', class: 'muted switcher-hint' }, S.switcherHint), list, empty));
  let rooms = [];
  let active = 0;

  function render() {
    rooms = switcherRooms(input.value);
    active = 0;
    list.replaceChildren(...rooms.map((room, i) => {
      const current = room.id === state.currentRoomId;
      const n = room.unread_count || 0;
      const li = h('li', {
        id: `switcher-${i}`, role: 'option', class: `switcher-option${unread(room) ? ' unread' : ''}`,
        'aria-selected': 'false', dataset: { roomId: room.id },
      },
      h('span', { class: 'switcher-name' }, label(room)),
      current ? h('span', { class: 'muted switcher-note' }, S.switcherCurrent) : null,
      n ? h('span', { class: 'badge', 'aria-label': S.switcherUnread(n) }, n > 99 ? '99+' : String(n)) : null);
      li.addEventListener('mousedown', (ev) => ev.preventDefault()); // the box keeps focus
      li.addEventListener('click', () => choose(i));
      return li;
    }));
    empty.textContent = rooms.length ? '' : S.switcherNone;
    setActive(0);
  }

  function setActive(i) {
    const before = list.children[active];
    if (before) {
      before.classList.remove('active');
      before.setAttribute('aria-selected', 'false');
    }
    active = i;
    const el = list.children[i];
    if (!el) {
      input.removeAttribute('aria-activedescendant');
      return;
    }
    el.classList.add('active');
    el.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', el.id);
    el.scrollIntoView({ block: 'nearest' });
  }

  function choose(i) {
    const room = rooms[i];
    if (!room) return;
    chosen = true;
    dialog.close();
    actions.openRoom(room.id);
    actions.focusComposer();
  }

  input.addEventListener('input', render);
  input.addEventListener('keydown', (ev) => {
    const n = rooms.length;
    if (ev.key === 'ArrowDown' && n) setActive((active + 1) % n);
    else if (ev.key === 'ArrowUp' && n) setActive((active - 1 + n) % n);
    else if (ev.key === 'Home' && n && ev.ctrlKey) setActive(0);
    else if (ev.key === 'End' && n && ev.ctrlKey) setActive(n - 1);
    else if (ev.key === 'Enter' && !ev.isComposing) choose(active);
    else return;
    ev.preventDefault();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    dialog = null;
    if (!chosen && returnTo && returnTo.isConnected) returnTo.focus();
  });
  document.body.append(dialog);
  render();
  dialog.showModal();
  input.focus();
}

// ---- what a deep link says when it cannot be followed; "Link copied" ----

let notice = null;

/** A dismissable alert above the timeline; `action` is {label, run} (e.g. joining the room). */
export function showRouteNotice(text, action = null) {
  hideRouteNotice();
  const error = h('span', { class: 'route-error error' });
  const message = h('span', { class: 'route-text' }, text);
  const buttons = [];
  if (action) {
    buttons.push(h('button', {
      type: 'button', class: 'small primary',
      onclick: async () => {
        error.textContent = '';
        try {
          await action.run();
        } catch (e) {
          error.textContent = S.routeFailed(e.message);
        }
      },
    }, action.label));
  }
  buttons.push(h('button', { type: 'button', class: 'small', onclick: () => { hideRouteNotice(); focusComposerInput(); } }, S.dismiss));
  notice = h('div', { id: 'route-notice', class: 'route-notice', role: 'alert' }, message, error, ...buttons);
  document.querySelector('#main .timeline').before(notice);
}

export function hideRouteNotice() {
  if (notice) notice.remove();
  notice = null;
}

function focusComposerInput() {
  document.getElementById('input').focus();
}

let toastTimer = null;

/** A short polite message at the bottom of the timeline (a live region). */
export function showToast(text) {
  let el = document.getElementById('nav-toast');
  if (!el) {
    el = h('div', { id: 'nav-toast', class: 'nav-toast', role: 'status', 'aria-live': 'polite' });
    document.querySelector('#main .timeline').append(el);
  }
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; el.textContent = ''; }, 3000);
}

/** The link in a read-only box, selected, for a browser that does not let the page copy. */
export function showLinkDialog(url) {
  const returnTo = document.activeElement;
  const box = h('input', { type: 'text', readonly: true, class: 'link-box', 'aria-label': S.copyLinkTitle, value: url });
  const d = h('dialog', { class: 'dialog', 'aria-labelledby': 'link-title' },
    h('div', { class: 'dialog-head' }, h('h2', { id: 'link-title' }, S.copyLinkTitle),
      h('button', { type: 'button', class: 'icon', 'aria-label': S.close, onclick: () => d.close() }, '×')),
    h('div', { class: 'dialog-body' }, h('p', {}, S.copyLinkManual), box));
  d.addEventListener('close', () => {
    d.remove();
    if (returnTo && returnTo.isConnected) returnTo.focus();
  });
  document.body.append(d);
  d.showModal();
  box.focus();
  box.select();
}
