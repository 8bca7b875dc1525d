// A small emoji picker: a popover of common emoji next to the button that opened it.
// Arrow keys move, Enter picks, Escape closes and gives focus back.

import { h } from '../dom.js';

export const COMMON_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

let open = null;

export function closeEmojiPicker() {
  if (!open) return;
  const { el, anchor } = open;
  open = null;
  el.remove();
  document.removeEventListener('pointerdown', onOutside, true);
  if (anchor.isConnected) anchor.focus();
}

function onOutside(ev) {
  if (open && !open.el.contains(ev.target) && ev.target !== open.anchor) closeEmojiPicker();
}

export function openEmojiPicker(anchor, onPick) {
  closeEmojiPicker();
  const buttons = COMMON_EMOJI.map((e) => h('button', {
    type: 'button', role: 'menuitem', class: 'emoji-choice', 'aria-label': `React with ${e}`,
    onclick: () => { closeEmojiPicker(); onPick(e); },
  }, e));
  const el = h('div', { class: 'emoji-picker', role: 'menu', 'aria-label': 'Pick a reaction' }, buttons);
  el.addEventListener('keydown', (ev) => {
    const i = buttons.indexOf(document.activeElement);
    if (ev.key === 'Escape') { ev.preventDefault(); closeEmojiPicker(); }
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') { ev.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
    if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') { ev.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
  });
  document.body.append(el);
  const r = anchor.getBoundingClientRect();
  const width = el.offsetWidth;
  el.style.left = `${Math.max(8, Math.min(window.innerWidth - width - 8, r.right - width))}px`;
  el.style.top = `${r.top > 80 ? r.top - el.offsetHeight - 4 : r.bottom + 4}px`;
  open = { el, anchor };
  document.addEventListener('pointerdown', onOutside, true);
  buttons[0].focus();
}
