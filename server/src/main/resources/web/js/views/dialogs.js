// Modal dialogs on the native <dialog> element (focus stays inside, Escape closes):
// create room, browse public rooms, new direct message (user search), confirm.

import { h, avatar, displayName } from '../dom.js';
import { api, ApiError } from '../api.js';
import { state } from '../store.js';
import { S } from '../strings.js';

let actions;

export function initDialogs(a) {
  actions = a;
}

/** Opens a modal; `build(close)` returns its content. Removed from the page when closed. */
export function modal(title, build) {
  const id = `dlg-${Math.random().toString(36).slice(2)}`;
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': id });
  const close = () => dialog.close();
  dialog.append(h('div', { class: 'dialog-head' }, h('h2', { id }, title),
    h('button', { type: 'button', class: 'icon', 'aria-label': S.close, onclick: close }, '×')), build(close));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('input, textarea, select, .dialog-body button');
  if (first) first.focus();
  return dialog;
}

export function field(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

export function errorLine() {
  return h('p', { class: 'error', role: 'alert' });
}

function showError(el, e) {
  el.textContent = e instanceof ApiError ? e.message : S.somethingWrong;
}

export function createRoomDialog() {
  modal(S.createRoomTitle, (close) => {
    const name = h('input', { name: 'name', required: true, maxlength: 64, autocomplete: 'off' });
    const topic = h('input', { name: 'topic', maxlength: 250, autocomplete: 'off' });
    const pub = h('input', { type: 'radio', name: 'visibility', value: 'public', checked: true });
    const priv = h('input', { type: 'radio', name: 'visibility', value: 'private' });
    const err = errorLine();
    const form = h('form', { class: 'dialog-body' }, field(S.roomName, name), field(S.topicOptional, topic),
      h('fieldset', { class: 'radios' }, h('legend', {}, S.visibility),
        h('label', {}, pub, ' ', S.visibilityPublic), h('label', {}, priv, ' ', S.visibilityPrivate)),
      err, h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: close }, S.cancel),
        h('button', { type: 'submit', class: 'primary' }, S.createRoomOk)));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const room = await api('POST', '/api/v1/rooms', { name: name.value, topic: topic.value || undefined, visibility: priv.checked ? 'private' : 'public' });
        close();
        actions.addRoom(room, true);
      } catch (e) { showError(err, e); }
    });
    return form;
  });
}

export function browseRoomsDialog() {
  modal(S.browseTitle, (close) => {
    const query = h('input', { type: 'search', 'aria-label': S.browseSearchLabel, placeholder: S.browseSearchPlaceholder, autocomplete: 'off' });
    const results = h('ul', { class: 'results', 'aria-live': 'polite' });
    const err = errorLine();
    const load = debounce(async () => {
      try {
        const { rooms } = await api('GET', `/api/v1/rooms/public?query=${encodeURIComponent(query.value.trim())}`);
        results.replaceChildren(...rooms.map((room) => roomResult(room, close, err)));
        if (!rooms.length) results.append(h('li', { class: 'muted' }, S.browseNone));
        err.textContent = '';
      } catch (e) { showError(err, e); }
    });
    query.addEventListener('input', load);
    load();
    return h('div', { class: 'dialog-body' }, query, err, results);
  });
}

function roomResult(room, close, err) {
  const member = state.rooms.has(room.id);
  return h('li', { class: 'result' },
    h('div', {}, h('strong', {}, S.roomLabel(room.name)), h('span', { class: 'muted' }, ' · ', S.memberCount(room.member_count)),
      room.topic ? h('div', { class: 'muted' }, room.topic) : null),
    h('button', {
      type: 'button', class: 'small', 'aria-label': member ? S.openRoomLabel(room.name) : S.joinRoomLabel(room.name),
      onclick: async () => {
        try {
          const joined = member ? state.rooms.get(room.id) : await api('POST', `/api/v1/rooms/${encodeURIComponent(room.id)}/join`);
          close();
          actions.addRoom(joined, true);
        } catch (e) { showError(err, e); }
      },
    }, member ? S.openRoom : S.joinRoom));
}

export function newDmDialog() {
  modal(S.newDmTitle, (close) => {
    const query = h('input', { type: 'search', 'aria-label': S.dmSearchLabel, placeholder: S.dmSearchPlaceholder, autocomplete: 'off' });
    const results = h('ul', { class: 'results', 'aria-live': 'polite' });
    const err = errorLine();
    const load = debounce(async () => {
      const q = query.value.trim();
      if (!q) { results.replaceChildren(); return; }
      try {
        const { users } = await api('GET', `/api/v1/users?query=${encodeURIComponent(q)}&limit=20`);
        const others = users.filter((u) => !state.me || u.id !== state.me.id);
        results.replaceChildren(...others.map((u) => h('li', { class: 'result' },
          h('div', { class: 'user-line' }, avatar(u, 'sm'), h('span', {}, displayName(u)), h('span', { class: 'muted' }, ` @${u.username}`)),
          h('button', { type: 'button', class: 'small', 'aria-label': S.messageMemberLabel(u.username), onclick: () => { close(); actions.startDm(u.username); } }, S.messageMember))));
        if (!others.length) results.append(h('li', { class: 'muted' }, S.dmNone));
      } catch (e) { showError(err, e); }
    });
    query.addEventListener('input', load);
    return h('div', { class: 'dialog-body' }, query, err, results);
  });
}

// The profile dialog is in views/profile.js.

/** Resolves true when the user confirms. */
export function confirmDialog(title, text, okLabel) {
  return new Promise((resolve) => {
    let ok = false;
    const dlg = modal(title, (close) => h('div', { class: 'dialog-body' }, h('p', {}, text),
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: close }, S.cancel),
        h('button', { type: 'button', class: 'danger', onclick: () => { ok = true; close(); } }, okLabel))));
    dlg.addEventListener('close', () => resolve(ok));
  });
}

function debounce(fn, ms = 200) {
  let t = null;
  return () => { clearTimeout(t); t = setTimeout(fn, ms); };
}
