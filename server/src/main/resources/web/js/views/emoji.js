// Emoji pickers.
// - The small one: a popover of 8 common emoji next to a message's "Add reaction" button (arrow
//   keys move, Enter picks, Escape closes and gives focus back); its last button, "More emoji",
//   opens the full one for the same reaction.
// - The full one: a searchable grid over the shortcode table (shortcodes.js) in a few curated
//   categories, for the composers (the emoji goes in at the caret) and for reactions. It is the
//   ARIA combobox pattern: focus stays in the search box, which owns a listbox and points at the
//   active emoji; arrow keys move through the grid (up and down by visual row), Enter picks, a
//   click picks, Escape or Tab closes and focus goes back where it came from.

import { h } from '../dom.js';
import { emojiFor, emojiNames } from '../shortcodes.js';
import { S } from '../strings.js';

export const COMMON_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

// Curated categories, by shortcode name (one name per emoji; search finds the aliases too).
const CATEGORIES = [
  ['smileys', ['smile', 'smiley', 'grin', 'grinning', 'laughing', 'joy', 'rofl', 'sweat_smile', 'wink', 'blush',
    'slightly_smiling_face', 'upside_down_face', 'heart_eyes', 'kissing_heart', 'yum', 'stuck_out_tongue', 'sunglasses',
    'nerd_face', 'thinking', 'neutral_face', 'expressionless', 'unamused', 'roll_eyes', 'grimacing', 'relieved', 'pensive',
    'sleepy', 'sleeping', 'mask', 'confused', 'worried', 'open_mouth', 'astonished', 'flushed', 'cry', 'sob', 'scream',
    'angry', 'rage', 'skull', 'partying_face', 'hugs', 'zipper_mouth_face', 'see_no_evil']],
  ['people', ['+1', '-1', 'ok_hand', 'clap', 'wave', 'pray', 'muscle', 'raised_hands', 'point_up', 'point_right',
    'point_left', 'eyes', 'brain', 'shrug', 'facepalm']],
  ['symbols', ['heart', 'broken_heart', 'sparkling_heart', 'fire', 'sparkles', 'star', 'zap', 'boom', '100',
    'white_check_mark', 'heavy_check_mark', 'x', 'warning', 'no_entry', 'question', 'exclamation']],
  ['objects', ['tada', 'confetti_ball', 'gift', 'balloon', 'trophy', 'rocket', 'bulb', 'memo', 'pushpin', 'link', 'lock',
    'key', 'bell', 'calendar', 'hourglass', 'bug', 'wrench', 'hammer', 'gear', 'package', 'chart_with_upwards_trend']],
  ['food', ['coffee', 'tea', 'beer', 'beers', 'wine_glass', 'pizza', 'cake', 'birthday', 'cookie']],
  ['nature', ['sunny', 'cloud', 'umbrella', 'snowflake', 'rainbow', 'earth_africa', 'dog', 'cat', 'unicorn']],
];
const MAX_RESULTS = 64;

let open = null; // {el, anchor, restore}
let nextId = 1;

/** Closes the open picker; by default focus goes back to its button (or `restore`). */
export function closeEmojiPicker(returnFocus = true) {
  if (!open) return;
  const { el, anchor, restore } = open;
  open = null;
  el.remove();
  document.removeEventListener('pointerdown', onOutside, true);
  if (anchor.hasAttribute('aria-expanded')) anchor.setAttribute('aria-expanded', 'false');
  if (!returnFocus) return;
  if (restore) restore();
  else if (anchor.isConnected) anchor.focus();
}

function onOutside(ev) {
  if (open && !open.el.contains(ev.target) && !open.anchor.contains(ev.target)) closeEmojiPicker(false);
}

/** Puts a popover next to (above, when there is room) the button that opened it. */
function place(el, anchor, onKey) {
  el.addEventListener('keydown', onKey);
  document.body.append(el);
  const r = anchor.getBoundingClientRect();
  const width = el.offsetWidth;
  el.style.left = `${Math.max(8, Math.min(window.innerWidth - width - 8, r.right - width))}px`;
  const above = r.top - el.offsetHeight - 4;
  el.style.top = `${above >= 8 ? above : Math.min(r.bottom + 4, Math.max(8, window.innerHeight - el.offsetHeight - 8))}px`;
  document.addEventListener('pointerdown', onOutside, true);
}

/** The small reaction picker: the common emoji and "More emoji". */
export function openEmojiPicker(anchor, onPick) {
  closeEmojiPicker(false);
  const buttons = COMMON_EMOJI.map((e) => h('button', {
    type: 'button', role: 'menuitem', class: 'emoji-choice', 'aria-label': S.reactWith(e),
    onclick: () => { closeEmojiPicker(); onPick(e); },
  }, e));
  buttons.push(h('button', {
    type: 'button', role: 'menuitem', class: 'emoji-choice emoji-more', 'aria-label': S.emojiMore, title: S.emojiMore,
    onclick: () => openFullPicker(anchor, onPick, { label: S.emojiReactionPanel }),
  }, '…'));
  const el = h('div', { class: 'emoji-picker', role: 'menu', 'aria-label': S.emojiReactionPanel }, buttons);
  place(el, anchor, (ev) => {
    const i = buttons.indexOf(document.activeElement);
    if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); closeEmojiPicker(); }
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') { ev.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
    if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') { ev.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
  });
  open = { el, anchor, restore: null };
  buttons[0].focus();
}

function entries(names) {
  return names.map((name) => ({ name, emoji: emojiFor(name) })).filter((e) => e.emoji);
}

/** Shortcodes containing the query (a name starting with it first), one entry per emoji. */
function matches(q) {
  const seen = new Set();
  const hits = emojiNames().filter((n) => n.includes(q))
    .sort((a, b) => Number(!a.startsWith(q)) - Number(!b.startsWith(q)));
  const out = [];
  for (const name of hits) {
    const emoji = emojiFor(name);
    if (seen.has(emoji)) continue;
    seen.add(emoji);
    out.push({ name, emoji });
  }
  return out.slice(0, MAX_RESULTS);
}

/**
 * The full picker beside `anchor`; `onPick(emoji)` runs after it closed. `restore` gives focus
 * back (the composer puts its caret back); without it focus returns to `anchor`.
 */
export function openFullPicker(anchor, onPick, { label = S.emojiPanel, restore = null } = {}) {
  closeEmojiPicker(false);
  const id = `emoji-${nextId++}`;
  const search = h('input', {
    type: 'search', class: 'emoji-search', role: 'combobox', 'aria-label': S.emojiSearch, placeholder: S.emojiSearch,
    autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-expanded': 'true', 'aria-controls': `${id}-list`,
  });
  const grid = h('div', { id: `${id}-list`, class: 'emoji-grid', role: 'listbox', 'aria-label': label });
  const empty = h('p', { class: 'emoji-empty muted', role: 'status' });
  const el = h('div', { class: 'emoji-panel', role: 'dialog', 'aria-label': label }, search, grid, empty);
  let options = [];
  let active = 0;

  function setActive(i) {
    if (options[active]) {
      options[active].classList.remove('active');
      options[active].setAttribute('aria-selected', 'false');
    }
    active = i;
    const opt = options[i];
    if (!opt) {
      search.removeAttribute('aria-activedescendant');
      return;
    }
    opt.classList.add('active');
    opt.setAttribute('aria-selected', 'true');
    search.setAttribute('aria-activedescendant', opt.id);
    opt.scrollIntoView({ block: 'nearest' });
  }

  function render() {
    const q = search.value.trim().toLowerCase().replace(/^:+|:+$/g, '');
    const groups = q ? [[S.emojiResults, matches(q)]]
      : CATEGORIES.map(([key, names]) => [S.emojiCategories[key], entries(names)]);
    options = [];
    active = 0;
    grid.replaceChildren();
    groups.forEach(([title, list], g) => {
      if (!list.length) return;
      const titleId = `${id}-g${g}`;
      const cells = h('div', { class: 'emoji-cells' });
      for (const { name, emoji } of list) {
        const i = options.length;
        const opt = h('span', {
          id: `${id}-${i}`, role: 'option', class: 'emoji-option', 'aria-selected': 'false',
          'aria-label': name.replace(/_/g, ' '), title: `:${name}:`, dataset: { name, emoji },
        }, emoji);
        opt.addEventListener('mousedown', (ev) => ev.preventDefault()); // the search box keeps focus
        opt.addEventListener('click', () => pick(i));
        options.push(opt);
        cells.append(opt);
      }
      grid.append(h('div', { class: 'emoji-group', role: 'group', 'aria-labelledby': titleId },
        h('div', { id: titleId, class: 'emoji-group-title' }, title), cells));
    });
    empty.textContent = options.length ? '' : S.emojiNone;
    grid.scrollTop = 0;
    setActive(0);
  }

  function pick(i) {
    const opt = options[i];
    if (!opt) return;
    closeEmojiPicker();
    onPick(opt.dataset.emoji);
  }

  /** The option in the next visual row up or down, nearest to the active one's column. */
  function moveRow(dir) {
    if (!options[active]) return;
    const cur = options[active].getBoundingClientRect();
    const x = cur.left + cur.width / 2;
    let best = -1;
    let bestTop = 0;
    let bestDx = Infinity;
    options.forEach((o, i) => {
      const r = o.getBoundingClientRect();
      if (dir > 0 ? r.top <= cur.top + 2 : r.top >= cur.top - 2) return;
      const dx = Math.abs(r.left + r.width / 2 - x);
      const nearer = best < 0 || (dir > 0 ? r.top < bestTop - 2 : r.top > bestTop + 2);
      if (nearer || (Math.abs(r.top - bestTop) <= 2 && dx < bestDx)) {
        best = i;
        bestTop = r.top;
        bestDx = dx;
      }
    });
    if (best >= 0) setActive(best);
  }

  search.addEventListener('input', render);
  render(); // filled before it is placed: placing measures its height (#21, item 11)
  place(el, anchor, (ev) => {
    if (ev.key === 'Escape' || ev.key === 'Tab') {
      ev.preventDefault();
      ev.stopPropagation();
      closeEmojiPicker();
      return;
    }
    if (!options.length) return;
    if (ev.key === 'ArrowRight') setActive((active + 1) % options.length);
    else if (ev.key === 'ArrowLeft') setActive((active - 1 + options.length) % options.length);
    else if (ev.key === 'ArrowDown') moveRow(1);
    else if (ev.key === 'ArrowUp') moveRow(-1);
    else if (ev.key === 'Enter' && !ev.isComposing) pick(active);
    else return;
    ev.preventDefault();
  });
  if (anchor.hasAttribute('aria-expanded')) anchor.setAttribute('aria-expanded', 'true');
  open = { el, anchor, restore };
  search.focus();
}

/**
 * An emoji button for a composer's `input`, put before `before`: it opens the full picker and
 * the chosen emoji replaces the selection the input had (or goes in at its caret).
 */
export function attachEmojiButton(input, before) {
  const button = h('button', {
    type: 'button', class: 'icon emoji-button', 'aria-label': S.emojiButton, title: S.emojiButton,
    'aria-haspopup': 'dialog', 'aria-expanded': 'false',
  }, '😊');
  before.before(button);
  button.addEventListener('click', () => {
    if (open && open.anchor === button) {
      closeEmojiPicker(false);
      return;
    }
    const start = input.selectionStart;
    const end = input.selectionEnd;
    const restore = () => {
      input.focus();
      input.setSelectionRange(start, end);
    };
    openFullPicker(button, (emoji) => insertAtCaret(input, emoji), { restore });
  });
  return button;
}

/** Replaces the input's selection with `text`, caret after it, as typing would (an input event). */
export function insertAtCaret(input, text) {
  input.focus();
  input.setRangeText(text, input.selectionStart, input.selectionEnd, 'end');
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
