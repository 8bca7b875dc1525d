// Entry point: shows the sign-in screen or the chat, and wires the page-level buttons.

import { h, clear, avatar, displayName } from './dom.js';
import { resumeSession, startSession, onSessionEnded, signOut, api } from './api.js';
import { renderAuth } from './views/auth.js';
import { startChat, stopChat } from './chat.js';
import { state } from './store.js';
import { pushSupported, enablePush, disablePush } from './push.js';
import { initTheme } from './theme.js';
import { createRoomDialog, browseRoomsDialog, newDmDialog } from './views/dialogs.js';
import { profileDialog } from './views/profile.js';
import { S } from './strings.js';
import { translateStatic } from './views/language.js';

const authRoot = document.getElementById('auth');
const app = document.getElementById('app');

function showAuth(notice) {
  stopChat();
  app.hidden = true;
  authRoot.hidden = false;
  renderAuth(authRoot, (reply) => {
    startSession(reply);
    // A fresh page is the simplest way to start from a clean state with the new session.
    location.reload();
  }, notice);
}

function renderMe() {
  const bar = clear(document.getElementById('me-bar'));
  const me = state.me;
  bar.append(avatar(me, 'sm'), h('span', { class: 'me-names' }, h('span', { class: 'me-name' }, displayName(me)),
    h('span', { class: 'me-status muted' }, me.status_text || `@${me.username}`)));
}

async function showChat(session) {
  authRoot.hidden = true;
  app.hidden = false;
  addSkipLink();
  state.me = session.user || { username: '?' };
  renderMe();
  try {
    await startChat(session, renderMe);
    renewPush();
    const me = await api('GET', '/api/v1/users/me');
    state.me = { ...state.me, ...me };
    renderMe();
  } catch (e) {
    if (!resumeSession()) return; // the session ended: onSessionEnded already showed the sign-in screen
  }
}

// The hook for the notification settings UI: once the user grants permission there, it calls
// push.js's enablePush(api). A browser that granted it before is subscribed again here (the
// endpoint may have changed); permission is never asked for on page load.
function renewPush() {
  if (pushSupported() && Notification.permission === 'granted') {
    enablePush(api).catch(() => { /* no push service reachable: notifications only while open */ });
  }
}

function wireButtons() {
  const toggle = document.getElementById('toggle-sidebar');
  toggle.addEventListener('click', () => {
    const open = app.classList.toggle('sidebar-open');
    toggle.setAttribute('aria-expanded', String(open));
    if (open) document.querySelector('#sidebar button').focus();
  });
  document.getElementById('close-sidebar').addEventListener('click', () => {
    app.classList.remove('sidebar-open');
    toggle.setAttribute('aria-expanded', 'false');
    toggle.focus();
  });
  const members = document.getElementById('toggle-members');
  members.addEventListener('click', () => {
    const hidden = app.classList.toggle('members-hidden');
    members.setAttribute('aria-expanded', String(!hidden));
  });
  // phones (#21, item 11): the members panel covers the header, so it has its own ×
  const closeMembers = document.getElementById('close-members');
  closeMembers.setAttribute('aria-label', S.hideMembers);
  closeMembers.addEventListener('click', () => {
    app.classList.add('members-hidden');
    members.setAttribute('aria-expanded', 'false');
    members.focus();
  });
  if (window.matchMedia('(max-width: 900px)').matches) {
    app.classList.add('members-hidden');
    members.setAttribute('aria-expanded', 'false');
  }
  document.getElementById('btn-create').addEventListener('click', createRoomDialog);
  document.getElementById('btn-browse').addEventListener('click', browseRoomsDialog);
  document.getElementById('btn-dm').addEventListener('click', newDmDialog);
  document.getElementById('btn-profile').addEventListener('click', profileDialog);
  document.getElementById('btn-signout').addEventListener('click', async () => {
    await disablePush(api); // the next person at this browser must not get this user's pushes
    await signOut();
    location.reload();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && app.classList.contains('sidebar-open')) {
      app.classList.remove('sidebar-open');
      toggle.setAttribute('aria-expanded', 'false');
    }
  });
}

onSessionEnded(() => showAuth(S.sessionEnded));
translateStatic();
wireButtons();
initTheme();
const session = resumeSession();
if (session) showChat(session); else showAuth();

// ---- keyboard navigation (#21, item 6) ----

/**
 * The first Tab stop of the chat: "Skip to the message composer", shown while focused. A button
 * would do, but a link is what screen-reader users expect; its click focuses the composer itself
 * (following `#input` would replace the room's hash in the address bar).
 */
function addSkipLink() {
  if (document.getElementById('skip-link')) return;
  const link = h('a', { id: 'skip-link', class: 'skip-link', href: '#input' }, S.skipToComposer);
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    document.getElementById('input').focus();
  });
  document.body.prepend(link);
}
