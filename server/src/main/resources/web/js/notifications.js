// Telling the user about a `notification` event (SPEC §8; the server already decided that this
// user should be told): a desktop notification through the browser's Notification API while the
// tab is hidden, and an optional short sound made with WebAudio (no audio file to ship).
// Permission is asked only when the user clicks "Enable desktop notifications", never on load:
// browsers bury or block sites that ask before the user did anything.

import { api } from './api.js';
import { displayName, snippet } from './dom.js';
import { plainText } from './markdown.js';
import { S } from './strings.js';

const SOUND_KEY = 'banter.sound';
const PROMPT_KEY = 'banter.notifyPrompt';
const BODY_CHARS = 140;

let audio = null; // one AudioContext for the page, made at the first user gesture

/** 'unsupported' | 'default' | 'granted' | 'denied' */
export function desktopPermission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

/** Asks for permission (call it from a click); once granted, Web Push is set up as well. */
export async function enableDesktop() {
  if (desktopPermission() === 'unsupported') return 'unsupported';
  let result = Notification.permission;
  if (result === 'default') result = await Notification.requestPermission();
  if (result === 'granted') {
    // push.js (Web Push, another module) may be absent: desktop notifications work without it.
    import('./push.js').then((m) => m.enablePush(api)).catch(() => {});
  }
  return result;
}

export function promptDismissed() {
  return localStorage.getItem(PROMPT_KEY) === 'dismissed';
}

export function dismissPrompt() {
  localStorage.setItem(PROMPT_KEY, 'dismissed');
}

export function soundOn() {
  return localStorage.getItem(SOUND_KEY) === 'on';
}

export function setSound(on) {
  if (on) localStorage.setItem(SOUND_KEY, 'on'); else localStorage.removeItem(SOUND_KEY);
  if (on) {
    unlockAudio();
    beep();
  }
}

/**
 * Browsers start an AudioContext suspended until the page gets a user gesture; a sound switched
 * on in an earlier visit is unlocked by the first click or key press of this one.
 */
export function unlockAudioOnGesture() {
  const once = () => {
    if (soundOn()) unlockAudio();
    window.removeEventListener('pointerdown', once, true);
    window.removeEventListener('keydown', once, true);
  };
  window.addEventListener('pointerdown', once, true);
  window.addEventListener('keydown', once, true);
}

function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  if (!audio) audio = new Ctx();
  if (audio.state === 'suspended') audio.resume().catch(() => {});
}

/** Two short soft tones (880 Hz then 660 Hz), about a quarter of a second. */
function beep() {
  if (!audio) unlockAudio();
  if (!audio) return;
  const now = audio.currentTime;
  [[880, 0], [660, 0.12]].forEach(([freq, at]) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + at);
    gain.gain.exponentialRampToValueAtTime(0.15, now + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.12);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + at);
    osc.stop(now + at + 0.13);
  });
}

/**
 * One `notification` event: the sound when it is on, and a desktop notification when the tab is
 * hidden (a visible tab shows the message itself). Clicking it focuses the window and opens the
 * room (and the thread, for a reply).
 */
export function notify(f, room, open) {
  if (soundOn()) beep();
  if (document.visibilityState !== 'hidden' || desktopPermission() !== 'granted' || !f.message) return null;
  const m = f.message;
  const who = displayName(m.author);
  const where = room ? (room.kind === 'direct' ? S.dmLabel(room.name) : S.roomLabel(room.name)) : '';
  const title = f.reason === 'mention' ? S.notifyMention(who, where)
    : f.reason === 'direct' ? S.notifyDirect(who)
      : f.reason === 'thread' ? S.notifyThread(who, where)
        : S.notifyRoom(who, where);
  let n;
  try {
    n = new Notification(title, { body: snippet(plainText(m.body), BODY_CHARS), tag: m.id, data: { room_id: f.room_id } });
  } catch {
    return null; // e.g. Android Chrome allows them only from a service worker
  }
  n.onclick = () => {
    window.focus();
    open(f.room_id, m);
    n.close();
  };
  return n;
}
