// Profile and account (#21, item 2): my profile dialog (display name, status, avatar, password,
// the sessions where I am signed in) and the profile card of anyone whose name or avatar is
// clicked in the message list or the members panel.
//
// An avatar is picked here, cut to a centred square of at most 256 px on a canvas, uploaded as
// WebP (PNG where the browser cannot encode WebP) through the uploads route, and set with
// PATCH users/me `{avatar_url: "/api/v1/uploads/{id}"}`; the server answers with
// `/api/v1/avatars/{key}`, which any <img> loads without a token (docs/decisions.md).

import { h, clear, avatar, displayName } from '../dom.js';
import { api, ApiError, signOut } from '../api.js';
import { uploadFile } from '../files.js';
import { disablePush } from '../push.js';
import { state } from '../store.js';
import { S } from '../strings.js';
import { modal, field, errorLine, confirmDialog } from './dialogs.js';
import { languageField } from './language.js';

const AVATAR_SIDE = 256;
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

let actions;

export function initProfile(a) {
  actions = a;
}

function reason(e) {
  return e instanceof ApiError && e.message ? e.message : S.profileFailed;
}

// ---- the profile dialog ----

export function profileDialog() {
  const dialog = modal(S.profileTitle, (close) => h('div', { class: 'profile-dialog' },
    profileForm(close), passwordForm(), sessionsSection()));
  dialog.classList.add('profile');
  dialog.querySelector('input[name=display_name]').focus(); // not the hidden file input
  return dialog;
}

function profileForm(close) {
  const me = state.me || {};
  let change = null; // null: keep the avatar; { blob }: a new one; { remove: true }
  const preview = h('span', { class: 'profile-avatar' }, avatar(me, 'xl'));
  const note = h('p', { class: 'muted avatar-note', role: 'status' });
  const file = h('input', {
    type: 'file', accept: AVATAR_TYPES.join(','), class: 'sr-only', 'aria-label': S.avatarChooseLabel, tabindex: '-1',
  });
  const remove = h('button', { type: 'button', class: 'small', hidden: !me.avatar_url }, S.avatarRemove);
  const choose = h('button', { type: 'button', class: 'small', onclick: () => file.click() }, S.avatarChoose);
  file.addEventListener('change', async () => {
    const picked = file.files && file.files[0];
    file.value = '';
    if (!picked) return;
    if (!AVATAR_TYPES.includes(picked.type)) { note.textContent = S.avatarNotImage; return; }
    try {
      const blob = await squareImage(picked);
      change = { blob };
      const img = h('img', { class: 'avatar xl', alt: '' });
      img.src = URL.createObjectURL(blob);
      clear(preview).append(img);
      remove.hidden = false;
      note.textContent = S.avatarReady;
    } catch {
      note.textContent = S.avatarUnreadable;
    }
  });
  remove.addEventListener('click', () => {
    change = { remove: true };
    clear(preview).append(avatar({ ...me, avatar_url: null }, 'xl'));
    remove.hidden = true;
    note.textContent = S.avatarRemoved;
  });

  const nameInput = h('input', { name: 'display_name', maxlength: 64, value: me.display_name || '' });
  const status = h('input', { name: 'status_text', maxlength: 140, value: me.status_text || '' });
  const err = errorLine();
  const save = h('button', { type: 'submit', class: 'primary' }, S.profileSave);
  const form = h('form', { class: 'dialog-body profile-form' },
    h('div', { class: 'profile-avatar-row' }, preview,
      h('div', { class: 'profile-avatar-tools' }, h('span', { class: 'field-label' }, S.profileAvatar),
        h('div', { class: 'profile-avatar-buttons' }, choose, remove), file)),
    note,
    field(S.profileDisplayName, nameInput), field(S.profileStatus, status), languageField(), err,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: close }, S.profileCancel), save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    save.disabled = true;
    try {
      const body = { display_name: nameInput.value, status_text: status.value };
      if (change && change.blob) {
        note.textContent = S.avatarUploading;
        const ext = change.blob.type === 'image/webp' ? 'webp' : 'png';
        const uploaded = await uploadFile(new File([change.blob], `avatar.${ext}`, { type: change.blob.type }));
        body.avatar_url = uploaded.url;
      } else if (change && change.remove) {
        body.avatar_url = '';
      }
      const profile = await api('PATCH', '/api/v1/users/me', body);
      close();
      actions.profileSaved(profile);
    } catch (e) {
      err.textContent = reason(e);
      save.disabled = false;
    }
  });
  return form;
}

/** The image cut to a centred square of at most 256 px: WebP, or PNG where WebP cannot be made. */
async function squareImage(file) {
  const url = URL.createObjectURL(file);
  try {
    const img = await new Promise((resolve, reject) => {
      const i = new Image();
      i.onload = () => resolve(i);
      i.onerror = reject;
      i.src = url;
    });
    const side = Math.min(img.naturalWidth, img.naturalHeight);
    if (!side) throw new Error('empty image');
    const out = Math.min(AVATAR_SIDE, side);
    const canvas = document.createElement('canvas');
    canvas.width = out;
    canvas.height = out;
    canvas.getContext('2d').drawImage(img, (img.naturalWidth - side) / 2, (img.naturalHeight - side) / 2,
      side, side, 0, 0, out, out);
    const encode = (type, quality) => new Promise((resolve) => canvas.toBlob(resolve, type, quality));
    let blob = await encode('image/webp', 0.9);
    if (!blob || blob.type !== 'image/webp') blob = await encode('image/png');
    if (!blob) throw new Error('no image');
    return blob;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function passwordForm() {
  const current = h('input', { type: 'password', name: 'current_password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128 });
  const err = errorLine();
  const done = h('p', { class: 'success', role: 'status' });
  const submit = h('button', { type: 'submit' }, S.passwordChange);
  const form = h('form', { class: 'dialog-body profile-password', 'aria-labelledby': 'profile-password-title' },
    h('h3', { id: 'profile-password-title' }, S.passwordSection),
    field(S.passwordCurrent, current), field(S.passwordNew, next), err, done,
    h('div', { class: 'dialog-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    done.textContent = '';
    if (next.value.length < 8 || next.value.length > 128) { err.textContent = S.passwordTooShort; return; }
    submit.disabled = true;
    try {
      await api('POST', '/api/v1/users/me/password', { current_password: current.value, new_password: next.value });
      current.value = '';
      next.value = '';
      done.textContent = S.passwordChanged;
      refreshSessions();
    } catch (e) {
      err.textContent = e instanceof ApiError && e.status === 403 ? S.passwordWrong : reason(e);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// ---- sessions (SPEC §9) ----

let refreshSessions = () => {};

function sessionsSection() {
  const list = h('ul', { class: 'sessions', 'aria-live': 'polite' }, h('li', { class: 'muted' }, S.sessionsLoading));
  const err = errorLine();
  const done = h('p', { class: 'success', role: 'status' });
  let sessions = [];
  const load = async () => {
    try {
      sessions = (await api('GET', '/api/v1/auth/sessions')).sessions;
      err.textContent = '';
      clear(list).append(...sessions.map((s) => sessionItem(s, endOne)));
    } catch (e) {
      clear(list);
      err.textContent = S.sessionsFailed(reason(e));
    }
  };
  refreshSessions = load;
  const endOne = async (s) => {
    done.textContent = '';
    if (s.current) { await signOutHere(); return; }
    try {
      await api('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(s.id)}`);
      done.textContent = S.sessionSignedOut;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) err.textContent = reason(e); // 404: already ended
    }
    await load();
  };
  const others = h('button', {
    type: 'button',
    onclick: async () => {
      done.textContent = '';
      try {
        const n = await endOthers();
        done.textContent = n ? S.sessionsOthersEnded(n) : S.sessionsNoOthers;
      } catch (e) { err.textContent = reason(e); }
      await load();
    },
  }, S.sessionsSignOutOthers);
  const everywhere = h('button', {
    type: 'button', class: 'danger',
    onclick: async () => {
      if (!(await confirmDialog(S.signOutEverywhereConfirmTitle, S.signOutEverywhereConfirm, S.signOutEverywhereOk))) return;
      try {
        await endOthers();
      } catch (e) { err.textContent = reason(e); return; }
      await signOutHere();
    },
  }, S.signOutEverywhere);
  load();
  return h('section', { class: 'dialog-body profile-sessions', 'aria-labelledby': 'profile-sessions-title' },
    h('h3', { id: 'profile-sessions-title' }, S.sessionsSection), list, err, done,
    h('div', { class: 'dialog-actions' }, others, everywhere));
}

/** Ends every session but this one; resolves to how many were ended. */
async function endOthers() {
  const { sessions } = await api('GET', '/api/v1/auth/sessions');
  let n = 0;
  for (const s of sessions.filter((x) => !x.current)) {
    try {
      await api('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(s.id)}`);
      n += 1;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e; // ended meanwhile: fine
    }
  }
  return n;
}

async function signOutHere() {
  await disablePush(api); // the next person at this browser must not get this user's pushes
  await signOut();
  location.reload();
}

function sessionItem(s, end) {
  const device = describeAgent(s.user_agent);
  const when = new Date(s.last_used_at).toLocaleString();
  return h('li', { class: `session${s.current ? ' current' : ''}`, dataset: { id: s.id } },
    h('div', { class: 'session-text' },
      h('span', { class: 'session-device', title: s.user_agent || '' }, device),
      s.current ? h('span', { class: 'session-here' }, S.sessionThisDevice) : null,
      h('span', { class: 'muted session-details' }, S.sessionDetails(s.ip, when))),
    h('button', { type: 'button', class: 'small', 'aria-label': S.sessionSignOutLabel(device, when), onclick: () => end(s) },
      S.sessionSignOut));
}

/** "Chrome on Linux" from a User-Agent header; the header itself when nothing is recognised. */
export function describeAgent(ua) {
  if (!ua) return S.sessionUnknownDevice;
  const browsers = [[/Edg\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\//, 'Firefox'], [/Chrom(e|ium)\//, 'Chrome'], [/Safari\//, 'Safari']];
  const systems = [[/Android/, 'Android'], [/iPhone|iPad/, 'iOS'], [/CrOS/, 'ChromeOS'], [/Windows/, 'Windows'], [/Mac OS X|Macintosh/, 'macOS'], [/Linux/, 'Linux']];
  const browser = (browsers.find(([re]) => re.test(ua)) || [])[1];
  const system = (systems.find(([re]) => re.test(ua)) || [])[1];
  if (!browser) return ua.length > 60 ? `${ua.slice(0, 59)}…` : ua;
  return S.sessionDevice(browser, system);
}

// ---- other people's profile cards ----

/** Makes `el` (an avatar, a name) open the profile card of `user` when clicked. */
export function opensProfile(el, user) {
  if (!user || !user.username) return el;
  el.classList.add('opens-profile');
  el.addEventListener('click', (ev) => {
    ev.stopPropagation();
    openProfileCard(user.username);
  });
  return el;
}

/** A name button that opens the profile card of `user`. */
export function profileButton(user, cls, ...children) {
  return opensProfile(h('button', {
    type: 'button', class: cls, 'aria-haspopup': 'dialog', title: S.profileCardOpen(displayName(user)),
  }, ...children), user);
}

/** The card of `username`, as GET /users/{username} shows them to me (the server decides presence). */
export async function openProfileCard(username) {
  let user;
  try {
    user = await api('GET', `/api/v1/users/${encodeURIComponent(username)}`);
  } catch (e) {
    const dlg = modal(S.profileCardLabel(username), () => h('div', { class: 'dialog-body' },
      h('p', { class: 'error', role: 'alert' }, S.profileCardFailed(reason(e)))));
    dlg.classList.add('profile-card');
    return;
  }
  const mine = state.me && user.id === state.me.id;
  const dlg = modal(S.profileCardLabel(displayName(user)), (close) => {
    const err = errorLine();
    const presence = user.online ? S.profileOnline
      : user.last_seen_at ? S.profileLastSeen(new Date(user.last_seen_at).toLocaleString()) : S.profileNeverSeen;
    const action = mine
      ? h('button', { type: 'button', onclick: () => { close(); profileDialog(); } }, S.profileEdit)
      : h('button', {
        type: 'button', class: 'primary', 'aria-label': S.profileMessageLabel(user.username),
        onclick: async () => {
          try {
            await actions.startDm(user.username);
            close();
          } catch (e) { err.textContent = reason(e); }
        },
      }, S.profileMessage);
    return h('div', { class: 'dialog-body profile-card-body' },
      h('div', { class: 'profile-card-head' }, avatar(user, 'xl'),
        h('div', { class: 'profile-card-names' },
          h('span', { class: 'profile-card-name' }, displayName(user)),
          h('span', { class: 'muted profile-card-handle' }, `@${user.username}`),
          h('span', { class: `profile-card-presence ${user.online ? 'online' : 'offline'}` }, presence))),
      user.status_text ? h('p', { class: 'profile-card-status' }, user.status_text) : null,
      err, h('div', { class: 'dialog-actions' }, action));
  });
  dlg.classList.add('profile-card');
}
