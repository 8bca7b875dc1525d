// Notification settings of the open room (SPEC §8): a menu behind the room header's bell —
// All / Mentions / Nothing, mute for 1 h / 8 h / until unmuted, unmute — saved with
// PUT /rooms/{id}/notifications and shown from the room's notification_level and muted_until.
// Also the one place that asks for desktop-notification permission: a dismissible prompt above
// the messages and an entry in this menu, both only on a click; and the sound toggle.

import { h, timeOf, weekdayTimeOf } from '../dom.js';
import { currentRoom, isMuted } from '../store.js';
import { desktopPermission, enableDesktop, promptDismissed, dismissPrompt, soundOn, setSound } from '../notifications.js';
import { S } from '../strings.js';

const HOUR_MS = 3600 * 1000;
// "Until I unmute": the API has no open-ended mute and takes a muted_until at most ten years
// ahead, so such a mute ends in ten years less a day. A mute more than a year away is shown as
// "Muted", without an end.
const FOREVER_MS = 3650 * 24 * HOUR_MS;
const OPEN_ENDED_MS = 366 * 24 * HOUR_MS;

let actions;
let toggle, prompt, menu = null;

export function initNotify(a) {
  actions = a;
  toggle = document.getElementById('notify-toggle');
  toggle.addEventListener('click', () => (menu ? closeMenu() : openMenu()));
  prompt = document.getElementById('notify-prompt');
  prompt.setAttribute('aria-label', S.promptRegion);
  renderPrompt();
}

export function levelOf(room) {
  return (room && room.notification_level) || (room && room.kind === 'direct' ? 'all' : 'mentions');
}

function mutedText(room) {
  const until = Date.parse(room.muted_until);
  if (until - Date.now() > OPEN_ENDED_MS) return S.muted;
  const d = new Date(until);
  const sameDay = d.toDateString() === new Date().toDateString();
  return S.mutedUntil(sameDay ? timeOf(d.toISOString()) : weekdayTimeOf(d.toISOString()));
}

const LEVELS = [['all', 'levelAll', 'stateAll'], ['mentions', 'levelMentions', 'stateMentions'], ['none', 'levelNone', 'stateNone']];

/** The header's bell: what the open room's setting is, at a glance. */
export function renderNotifyButton() {
  const room = currentRoom();
  toggle.hidden = !room;
  if (!room) return;
  const level = levelOf(room);
  const muted = isMuted(room);
  const [, long, short] = LEVELS.find(([l]) => l === level) || LEVELS[0];
  toggle.textContent = `${muted || level === 'none' ? '🔕' : '🔔'} ${muted ? S.muted : S[short]}`;
  toggle.setAttribute('aria-label', S.notifyButtonLabel(S[long], muted ? mutedText(room) : null));
  toggle.title = muted ? mutedText(room) : S[long];
  toggle.classList.toggle('muted-room', muted);
  if (menu && menu.roomId !== room.id) closeMenu();
  else if (menu) buildMenu(room);
}

function openMenu() {
  const room = currentRoom();
  if (!room) return;
  menu = { roomId: room.id, el: h('div', { id: 'notify-menu', class: 'notify-menu', role: 'menu', 'aria-label': S.notifyMenu }) };
  menu.el.addEventListener('keydown', onMenuKey);
  buildMenu(room);
  toggle.after(menu.el);
  toggle.setAttribute('aria-expanded', 'true');
  document.addEventListener('pointerdown', onOutside, true);
  const first = menu.el.querySelector('[role^="menuitem"]');
  if (first) first.focus();
}

export function closeMenu(refocus = false) {
  if (!menu) return;
  menu.el.remove();
  menu = null;
  toggle.setAttribute('aria-expanded', 'false');
  document.removeEventListener('pointerdown', onOutside, true);
  if (refocus) toggle.focus();
}

function onOutside(ev) {
  if (menu && !menu.el.contains(ev.target) && ev.target !== toggle) closeMenu();
}

function onMenuKey(ev) {
  const items = [...menu.el.querySelectorAll('[role^="menuitem"]:not([disabled])')];
  const i = items.indexOf(document.activeElement);
  if (ev.key === 'Escape') {
    ev.preventDefault();
    closeMenu(true);
  } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    const next = ev.key === 'ArrowDown' ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
    items[next].focus();
  } else if (ev.key === 'Tab') {
    closeMenu();
  }
}

function item(role, text, onclick, extra = {}) {
  return h('button', { type: 'button', role, class: 'menu-item', ...extra, onclick }, text);
}

function buildMenu(room) {
  const level = levelOf(room);
  const muted = isMuted(room);
  const keepMute = muted ? room.muted_until : null;
  const save = (lvl, until) => {
    closeMenu(true);
    actions.setNotifications(room.id, lvl, until);
  };
  const focused = document.activeElement && menu.el.contains(document.activeElement) ? document.activeElement.dataset.fk : null;
  const children = [];
  if (muted) children.push(h('p', { class: 'menu-note', role: 'none' }, mutedText(room)));
  for (const [value, label] of LEVELS) {
    children.push(item('menuitemradio', S[label], () => save(value, keepMute),
      { 'aria-checked': value === level ? 'true' : 'false', dataset: { level: value, fk: `level-${value}` } }));
  }
  children.push(h('hr', { role: 'separator' }));
  const soon = (ms) => new Date(Date.now() + ms).toISOString();
  children.push(item('menuitem', S.mute1h, () => save(level, soon(HOUR_MS)), { dataset: { fk: 'mute-1h' } }));
  children.push(item('menuitem', S.mute8h, () => save(level, soon(8 * HOUR_MS)), { dataset: { fk: 'mute-8h' } }));
  children.push(item('menuitem', S.muteForever, () => save(level, soon(FOREVER_MS)), { dataset: { fk: 'mute-forever' } }));
  if (muted) children.push(item('menuitem', S.unmute, () => save(level, null), { dataset: { fk: 'unmute' } }));
  children.push(h('hr', { role: 'separator' }));
  const permission = desktopPermission();
  if (permission === 'default') {
    children.push(item('menuitem', S.enableDesktop, async () => {
      closeMenu(true);
      await enableDesktop();
      renderPrompt();
    }, { dataset: { fk: 'desktop' } }));
  } else if (permission === 'denied' || permission === 'granted') {
    children.push(h('p', { class: 'menu-note', role: 'none' }, permission === 'denied' ? S.desktopBlocked : S.desktopOn));
  }
  const sound = soundOn();
  children.push(item('menuitemcheckbox', S.sound, () => {
    setSound(!soundOn());
    buildMenu(room);
  }, { 'aria-checked': sound ? 'true' : 'false', dataset: { fk: 'sound' } }));
  menu.el.replaceChildren(...children);
  if (focused) {
    const again = menu.el.querySelector(`[data-fk="${focused}"]`);
    if (again) again.focus();
  }
}

/** The dismissible "Enable desktop notifications" prompt: only while the browser would still ask. */
export function renderPrompt() {
  if (!prompt) return;
  const show = desktopPermission() === 'default' && !promptDismissed();
  prompt.hidden = !show;
  if (!show) {
    prompt.replaceChildren();
    return;
  }
  if (prompt.childElementCount) return;
  prompt.append(h('span', { class: 'prompt-text' }, S.promptText),
    h('button', { type: 'button', class: 'small primary', onclick: async () => {
      await enableDesktop();
      dismissPrompt(); // asked once: the menu still offers it while the browser says "default"
      renderPrompt();
    } }, S.promptEnable),
    h('button', { type: 'button', class: 'small', onclick: () => {
      dismissPrompt();
      renderPrompt();
    } }, S.promptDismiss));
}
