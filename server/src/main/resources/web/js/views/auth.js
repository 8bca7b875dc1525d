// The sign-in screen: sign in, create an account, and guest entry when the server allows it
// (probed with an empty guest name: 403 means disabled, anything else means enabled).

import { h, clear } from '../dom.js';
import { publicCall, ApiError } from '../api.js';

export function renderAuth(root, onSession, notice) {
  clear(root);
  let mode = 'login';
  const username = h('input', { id: 'auth-username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'auth-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, minlength: 8 });
  const displayName = h('input', { id: 'auth-display-name', name: 'display_name', autocomplete: 'nickname' });
  const nameRow = h('label', { class: 'field', hidden: true }, h('span', {}, 'Display name (optional)'), displayName);
  const err = h('p', { class: 'error', role: 'alert' });
  const title = h('h1', {}, 'Sign in to Banter');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const switcher = h('button', { type: 'button', class: 'link' }, 'No account? Create one');
  const form = h('form', { class: 'auth-form', 'aria-labelledby': 'auth-title' },
    h('label', { class: 'field' }, h('span', {}, 'Username'), username),
    h('label', { class: 'field' }, h('span', {}, 'Password'), password), nameRow, err, submit);
  title.id = 'auth-title';

  switcher.addEventListener('click', () => {
    mode = mode === 'login' ? 'register' : 'login';
    title.textContent = mode === 'login' ? 'Sign in to Banter' : 'Create your account';
    submit.textContent = mode === 'login' ? 'Sign in' : 'Create account';
    switcher.textContent = mode === 'login' ? 'No account? Create one' : 'Have an account? Sign in';
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
      err.textContent = e instanceof ApiError ? e.message : 'Something went wrong.';
    } finally {
      submit.disabled = false;
    }
  });

  const guestSection = h('section', { class: 'guest', hidden: true, 'aria-labelledby': 'guest-title' });
  const card = h('div', { class: 'auth-card' }, title,
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null, form, switcher, guestSection);
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
  const form = h('form', { class: 'auth-form' }, h('label', { class: 'field' }, h('span', {}, 'Pick a name'), name), err,
    h('button', { type: 'submit' }, 'Join as guest'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      onSession(await publicCall('POST', '/api/v1/auth/guest', { username: name.value.trim() }));
    } catch (e) {
      err.textContent = e instanceof ApiError ? e.message : 'Something went wrong.';
    }
  });
  section.append(h('h2', { id: 'guest-title' }, 'Or chat as a guest'), form);
  section.hidden = false;
}
