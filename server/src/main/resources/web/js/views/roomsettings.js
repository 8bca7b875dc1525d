// Managing a room from the browser: the settings dialog (rename, topic, visibility, delete), the
// invite dialog (a username combobox over GET /users?query=), leaving, removing a member and
// changing a member's role; the permission checks that hide the controls a role does not allow;
// the notice line that says why a room went away. Every act goes through an action of chat.js; a
// refusal (403 when my role changed meanwhile, 409 when the last owner leaves) is shown in the
// dialog's alert line with the server's message, and the dialog stays open.

import { h, avatar, displayName } from '../dom.js';
import { api } from '../api.js';
import { state, currentRoom, canModerate } from '../store.js';
import { S } from '../strings.js';

const SUGGESTIONS = 8;
const RANK = { owner: 2, admin: 1, member: 0 };

let actions;

export function initRoomSettings(a) {
  actions = a;
  const button = document.getElementById('room-settings');
  button.textContent = S.roomSettingsButton;
  button.setAttribute('aria-label', S.roomSettings);
  button.addEventListener('click', () => {
    const room = currentRoom();
    if (room && room.kind !== 'direct') settingsDialog(room);
  });
  document.getElementById('room-notice').addEventListener('click', (ev) => {
    if (ev.target.closest('button')) showNotice('');
  });
}

/** The header's ⚙ Room button: channels only (a direct room has nothing to manage). */
export function renderRoomSettingsButton() {
  const room = currentRoom();
  document.getElementById('room-settings').hidden = !room || room.kind === 'direct';
}

// ---- what my role allows (the server decides; these only hide what it would refuse) ----

const isChannel = (room) => !!room && room.kind !== 'direct';
const globalAdmin = () => !!state.me && state.me.role === 'admin';

/** Rename, topic, visibility: the room's owners and admins. */
export const canEdit = (room) => isChannel(room) && canModerate(room);
/** Public rooms: any member; private ones: owners and admins. */
export const canInvite = (room) => isChannel(room) && !!room.my_role && (room.visibility === 'public' || canModerate(room));
/** The room's owners, and global admins; never the default room. */
export const canDelete = (room) => isChannel(room) && room.id !== 'general' && (room.my_role === 'owner' || globalAdmin());
export const canLeave = (room) => isChannel(room) && !!room.my_role;
/** Owners and admins remove members below their own role. */
export const canRemove = (room, member) => isChannel(room) && canModerate(room)
  && !(state.me && member.user.id === state.me.id) && RANK[member.role] < RANK[room.my_role];
export const canChangeRoles = (room) => isChannel(room) && room.my_role === 'owner';

const roleName = (role) => ({ owner: S.roleOwner, admin: S.roleAdmin, member: S.roleMember }[role] || role);

// ---- the notice line above the messages ----

/** Says why a room went away (left, removed, deleted) or came (invited); '' clears it. */
export function showNotice(text) {
  const el = document.getElementById('room-notice');
  if (!text) {
    el.replaceChildren();
    return;
  }
  el.replaceChildren(h('span', {}, text), h('button', { type: 'button', class: 'icon', 'aria-label': S.dismissNotice }, '×'));
}

// ---- dialogs ----

/**
 * A modal on the native <dialog>; `build(close)` returns its body. On close it is removed and the
 * focus goes back where it was: to the opener, or when a re-render replaced that, to the element
 * carrying the same `data-focus-key`, else to the composer.
 */
function modal(title, build) {
  const opener = document.activeElement;
  const key = opener && opener.dataset ? opener.dataset.focusKey : null;
  const id = `dlg-${Math.random().toString(36).slice(2)}`;
  const dialog = h('dialog', { class: 'dialog room-dialog', 'aria-labelledby': id });
  const close = () => dialog.close();
  dialog.append(h('div', { class: 'dialog-head' }, h('h2', { id }, title),
    h('button', { type: 'button', class: 'icon', 'aria-label': S.close, onclick: close }, '×')), build(close));
  dialog.addEventListener('close', () => {
    dialog.remove();
    const again = key ? document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null;
    const back = [opener, again, document.getElementById('input')].find(focusable);
    if (back) back.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('.dialog-body input:not([disabled]):not([type="radio"]),'
    + ' .dialog-body input[type="radio"]:checked:not([disabled]), .dialog-body button');
  if (first) first.focus();
  return dialog;
}

function focusable(el) {
  return !!el && el.isConnected && typeof el.focus === 'function' && el.getClientRects().length > 0
    && !el.disabled && !el.closest('dialog:not([open])');
}

const field = (label, input) => h('label', { class: 'field' }, h('span', {}, label), input);
const alertLine = () => h('p', { class: 'error', role: 'alert' });

/**
 * A confirmation whose OK runs `run()`: success closes it (then `done()`), a refusal stays open and
 * says why, in the server's words, through `failed(message)`.
 */
function confirmAct({ title, text, ok, run, failed, done }) {
  modal(title, (close) => {
    const error = alertLine();
    let busy = false;
    const okButton = h('button', {
      type: 'button', class: 'danger',
      onclick: async () => {
        if (busy) return;
        busy = true;
        okButton.setAttribute('aria-disabled', 'true');
        error.textContent = '';
        try {
          await run();
          close();
          if (done) done();
        } catch (e) {
          error.textContent = failed(e.message);
        } finally {
          busy = false;
          okButton.removeAttribute('aria-disabled');
        }
      },
    }, ok);
    return h('div', { class: 'dialog-body' }, h('p', {}, text), error,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: close }, S.cancel), okButton));
  });
}

/** The settings of `room`: its fields (editable by owners and admins), invite, leave, delete. */
export function settingsDialog(room) {
  const label = S.roomLabel(room.name);
  modal(S.roomSettingsTitle(label), (close) => {
    const editable = canEdit(room);
    const name = h('input', { name: 'name', required: true, maxlength: 64, autocomplete: 'off', value: room.name, disabled: !editable });
    const topic = h('input', { name: 'topic', maxlength: 250, autocomplete: 'off', value: room.topic || '', disabled: !editable });
    const radio = (value) => h('input', { type: 'radio', name: 'visibility', value, checked: room.visibility === value, disabled: !editable });
    const pub = radio('public');
    const priv = radio('private');
    const error = alertLine();
    const form = h('form', { class: 'dialog-body room-settings' },
      field(S.roomName, name), field(S.roomTopic, topic),
      h('fieldset', { class: 'radios' }, h('legend', {}, S.visibility),
        h('label', {}, pub, ` ${S.visibilityPublic}`), h('label', {}, priv, ` ${S.visibilityPrivate}`)),
      editable ? null : h('p', { class: 'muted' }, S.onlyModeratorsEdit),
      error,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: close }, editable ? S.cancel : S.close),
        editable ? h('button', { type: 'submit', class: 'primary' }, S.save) : null));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!editable) return;
      const changes = {};
      if (name.value.trim() !== room.name) changes.name = name.value.trim();
      if (topic.value.trim() !== (room.topic || '')) changes.topic = topic.value.trim();
      const visibility = priv.checked ? 'private' : 'public';
      if (visibility !== room.visibility) changes.visibility = visibility;
      if (!name.value.trim()) {
        error.textContent = S.nameRequired;
        name.focus();
        return;
      }
      if (!Object.keys(changes).length) {
        close();
        return;
      }
      error.textContent = '';
      try {
        await actions.updateRoom(room.id, changes);
        close();
      } catch (e) {
        error.textContent = S.saveFailed(e.message);
      }
    });
    const membership = h('section', { class: 'dialog-body dialog-section', 'aria-label': S.membershipSection },
      h('p', { class: 'muted' }, S.yourRole(roleName(room.my_role))),
      h('div', { class: 'dialog-actions start' },
        canInvite(room) ? h('button', { type: 'button', onclick: () => inviteDialog(room) }, S.invitePeople) : null,
        canLeave(room) ? h('button', { type: 'button', onclick: () => leaveDialog(room, close) }, S.leaveRoom) : null));
    const danger = canDelete(room)
      ? h('section', { class: 'dialog-body dialog-section', 'aria-label': S.dangerSection },
        h('div', { class: 'dialog-actions start' },
          h('button', { type: 'button', class: 'danger', onclick: () => deleteDialog(room, close) }, S.deleteRoom)))
      : null;
    return h('div', {}, form, membership, danger);
  });
}

export function leaveDialog(room, closeSettings) {
  const label = S.roomLabel(room.name);
  confirmAct({
    title: S.leaveTitle(label),
    text: room.visibility === 'public' ? S.leaveTextPublic : S.leaveTextPrivate,
    ok: S.leaveOk,
    run: () => actions.leaveRoom(room.id),
    failed: S.leaveFailed,
    done: closeSettings,
  });
}

/** Names the room in the title, the text and the button, so the wrong room is not deleted by habit. */
export function deleteDialog(room, closeSettings) {
  const label = S.roomLabel(room.name);
  confirmAct({
    title: S.deleteTitle(label),
    text: S.deleteText(label),
    ok: S.deleteOk(label),
    run: () => actions.deleteRoom(room.id),
    failed: S.deleteFailed,
    done: closeSettings,
  });
}

export function removeMemberDialog(room, member) {
  const who = member.user.username;
  confirmAct({
    title: S.removeTitle(who),
    text: S.removeText(who, S.roomLabel(room.name)),
    ok: S.removeOk,
    run: () => actions.removeMember(room.id, who),
    failed: (why) => S.removeFailed(who, why),
  });
}

/** Owner, admin or member for one member (an owner may change their own role, too). */
export function roleDialog(room, member) {
  const who = member.user.username;
  modal(S.roleTitle(who, S.roomLabel(room.name)), (close) => {
    const error = alertLine();
    const options = ['owner', 'admin', 'member'].map((role) => {
      const hint = { owner: S.roleOwnerHint, admin: S.roleAdminHint, member: S.roleMemberHint }[role];
      const input = h('input', { type: 'radio', name: 'role', value: role, checked: member.role === role });
      return { role, input, label: h('label', { class: 'role-option' }, input, ` ${roleName(role)}`, h('span', { class: 'muted' }, ` — ${hint}`)) };
    });
    const form = h('form', { class: 'dialog-body' },
      h('fieldset', { class: 'radios' }, h('legend', {}, S.changeRoleLabel(who)), options.map((o) => o.label)),
      error,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: close }, S.cancel),
        h('button', { type: 'submit', class: 'primary' }, S.save)));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const chosen = options.find((o) => o.input.checked);
      if (!chosen || chosen.role === member.role) {
        close();
        return;
      }
      error.textContent = '';
      try {
        await actions.setMemberRole(room.id, who, chosen.role);
        close();
      } catch (e) {
        error.textContent = S.roleFailed(who, e.message);
      }
    });
    return form;
  });
}

/**
 * Invite by username. The input is an ARIA combobox over a listbox of suggestions (users whose
 * name starts with what was typed, not yet members): ↓/↑ move through them, Enter takes the
 * highlighted one into the input, Escape closes the list (a second Escape the dialog); Enter with
 * no suggestion highlighted invites the name typed. The dialog stays open for the next name.
 */
export function inviteDialog(room) {
  modal(S.inviteTitle(S.roomLabel(room.name)), () => {
    const listId = `invite-list-${Math.random().toString(36).slice(2)}`;
    const hintId = `${listId}-hint`;
    const input = h('input', {
      name: 'username', autocomplete: 'off', spellcheck: 'false', role: 'combobox',
      'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, 'aria-describedby': hintId,
    });
    const listbox = h('ul', { id: listId, class: 'invite-list', role: 'listbox', 'aria-label': S.inviteSuggestions, hidden: true });
    const status = h('p', { class: 'muted invite-status', role: 'status' });
    const error = alertLine();
    let options = [];
    let active = -1;
    let asked = 0;

    const closeList = () => {
      options = [];
      active = -1;
      listbox.hidden = true;
      listbox.replaceChildren();
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    };
    const renderList = () => {
      listbox.replaceChildren(...options.map((u, i) => {
        const li = h('li', {
          id: `${listId}-${i}`, role: 'option', class: `invite-option${i === active ? ' active' : ''}`,
          'aria-selected': i === active ? 'true' : 'false', dataset: { username: u.username },
        }, avatar(u, 'sm'), h('span', { class: 'invite-name' }, displayName(u)), h('span', { class: 'muted' }, `@${u.username}`));
        li.addEventListener('mousedown', (ev) => { // mousedown: the input keeps its focus
          ev.preventDefault();
          take(i);
        });
        return li;
      }));
      listbox.hidden = !options.length;
      input.setAttribute('aria-expanded', String(options.length > 0));
      if (active >= 0) input.setAttribute('aria-activedescendant', `${listId}-${active}`);
      else input.removeAttribute('aria-activedescendant');
    };
    const take = (i) => {
      const u = options[i];
      if (!u) return;
      input.value = u.username;
      closeList();
      input.focus();
    };
    const suggest = debounce(async () => {
      const q = input.value.trim().replace(/^@/, '');
      const mine = ++asked;
      if (!q) {
        closeList();
        return;
      }
      try {
        const { users } = await api('GET', `/api/v1/users?query=${encodeURIComponent(q)}&limit=${SUGGESTIONS + 4}`);
        if (mine !== asked) return; // a newer question is on its way
        const members = new Set((state.members.get(room.id) || []).map((m) => m.user.id));
        options = users.filter((u) => !members.has(u.id) && !(state.me && u.id === state.me.id)).slice(0, SUGGESTIONS);
        active = -1;
        renderList();
        status.textContent = options.length ? '' : S.inviteNoMatch;
      } catch (e) {
        if (mine === asked) error.textContent = e.message;
      }
    });
    input.addEventListener('input', () => {
      status.textContent = '';
      error.textContent = '';
      suggest();
    });
    input.addEventListener('blur', closeList);
    input.addEventListener('keydown', (ev) => {
      const open = options.length > 0;
      if ((ev.key === 'ArrowDown' || ev.key === 'ArrowUp') && open) {
        const step = ev.key === 'ArrowDown' ? 1 : -1;
        active = active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length;
        renderList();
      } else if (ev.key === 'ArrowDown' && input.value.trim()) {
        suggest();
      } else if (ev.key === 'Enter' && open && active >= 0 && !ev.isComposing) {
        take(active);
      } else if (ev.key === 'Escape' && open) {
        closeList(); // the dialog stays: only the list closes
      } else {
        return;
      }
      ev.preventDefault();
      ev.stopPropagation();
    });

    const form = h('form', { class: 'dialog-body' },
      h('div', { class: 'combo' }, field(S.inviteUsername, input), listbox),
      h('p', { id: hintId, class: 'muted hint' }, S.inviteHint),
      status, error,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'primary' }, S.inviteOk)));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const who = input.value.trim().replace(/^@/, '');
      closeList();
      status.textContent = '';
      error.textContent = '';
      if (!who) {
        error.textContent = S.inviteTypeName;
        return;
      }
      try {
        const { added } = await actions.inviteMember(room.id, who);
        status.textContent = added ? S.invited(who) : S.alreadyMember(who);
        input.value = '';
      } catch (e) {
        error.textContent = S.inviteFailed(who, e.message);
      }
      input.focus();
    });
    return form;
  });
}

function debounce(fn, ms = 150) {
  let t = null;
  return () => {
    clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}
