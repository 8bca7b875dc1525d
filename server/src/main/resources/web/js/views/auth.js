// The sign-in screen: sign in, create an account, and guest entry when the server allows it
// (probed with an empty guest name: 403 means disabled, anything else means enabled).

import { h, clear } from '../dom.js';
import { publicCall, ApiError } from '../api.js';
import { S } from '../strings.js';
import { languageField } from './language.js';

export function renderAuth(root, onSession, notice) {
  clear(root);
  let mode = 'login';
  const username = h('input', { id: 'auth-username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'auth-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, minlength: 8 });
  const displayName = h('input', { id: 'auth-display-name', name: 'display_name', autocomplete: 'nickname' });
  const nameRow = h('label', { class: 'field', hidden: true }, h('span', {}, S.authDisplayName), displayName);
  const err = h('p', { class: 'error', role: 'alert' });
  const title = h('h1', {}, S.authSignInTitle);
  const submit = h('button', { type: 'submit', class: 'primary' }, S.authSignIn);
  const switcher = h('button', { type: 'button', class: 'link' }, S.authToRegister);
  const form = h('form', { class: 'auth-form', 'aria-labelledby': 'auth-title' },
    h('label', { class: 'field' }, h('span', {}, S.authUsername), username),
    h('label', { class: 'field' }, h('span', {}, S.authPassword), password), nameRow, err, submit);
  title.id = 'auth-title';

  switcher.addEventListener('click', () => {
    mode = mode === 'login' ? 'register' : 'login';
    title.textContent = mode === 'login' ? S.authSignInTitle : S.authRegisterTitle;
    submit.textContent = mode === 'login' ? S.authSignIn : S.authRegister;
    switcher.textContent = mode === 'login' ? S.authToRegister : S.authToSignIn;
    password.autocomplete = mode === 'login' ? 'current-password' : 'new-password';
    nameRow.hidden = mode === 'login';
    err.textContent = '';
    username.focus();
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    submit.disabled = true;
    try {
      const body = { username: username.value.trim(), password: password.value };
      if (mode === 'register' && displayName.value.trim()) body.display_name = displayName.value.trim();
      onSession(await publicCall('POST', mode === 'login' ? '/api/v1/auth/login' : '/api/v1/auth/register', body));
    } catch (e) {
      err.textContent = e instanceof ApiError ? e.message : S.somethingWrong;
    } finally {
      submit.disabled = false;
    }
  });

  const guestSection = h('section', { class: 'guest', hidden: true, 'aria-labelledby': 'guest-title' });
  const card = h('div', { class: 'auth-card' }, title,
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null, form, switcher, guestSection,
    h('div', { class: 'auth-footer' }, languageField({ compact: true })));
  root.append(h('main', { class: 'auth-main' }, card));
  username.focus();
  probeGuest(guestSection, onSession);
}

async function probeGuest(section, onSession) {
  try {
    await publicCall('POST', '/api/v1/auth/guest', { username: '' });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status === 403 || e.status === 0 || e.status === 429) return;
  }
  const name = h('input', { id: 'guest-username', name: 'guest', autocomplete: 'off', required: true });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'auth-form' }, h('label', { class: 'field' }, h('span', {}, S.guestName), name), err,
    h('button', { type: 'submit' }, S.guestJoin));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      onSession(await publicCall('POST', '/api/v1/auth/guest', { username: name.value.trim() }));
    } catch (e) {
      err.textContent = e instanceof ApiError ? e.message : S.somethingWrong;
    }
  });
  section.append(h('h2', { id: 'guest-title' }, S.guestTitle), form);
  section.hidden = false;
}
