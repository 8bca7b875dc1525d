// Screen-reader announcements of new messages (#21, item 8): a visually hidden polite live
// region, #announcer, gets "alice: hello" for a message from someone else arriving live in the
// open room (or the open thread). History pages, the replay of a (re)join and my own sends are
// never announced. A burst is coalesced: the first message waits 300 ms for company, then at
// most one announcement goes out every 1.5 s; more than 3 waiting become "5 new messages. Latest:
// …", so a busy room does not flood the reader. The message list itself is aria-live="off" (a
// role="log" would otherwise be polite and read out every history page prepended to it).

import { h, displayName } from './dom.js';
import { plainText } from './markdown.js';
import { S } from './strings.js';

const FIRST_DELAY_MS = 300;
const GAP_MS = 1500;
const MAX_LINES = 3;
const MAX_CHARS = 200;

let queue = [];
let timer = null;
let lastAt = 0;

function region() {
  let el = document.getElementById('announcer');
  if (!el) {
    el = h('div', { id: 'announcer', class: 'sr-only', 'aria-live': 'polite' });
    document.body.append(el);
  }
  return el;
}

/** Queues "author: text" of a message that just arrived live from someone else. */
export function announceMessage(m) {
  let text = plainText(m.body || '');
  if (text.length > MAX_CHARS) text = `${text.slice(0, MAX_CHARS - 1)}…`;
  queue.push(S.announceMessage(displayName(m.author), text));
  if (timer) return;
  const wait = Math.max(FIRST_DELAY_MS, lastAt + GAP_MS - Date.now());
  timer = setTimeout(flush, wait);
}

function flush() {
  timer = null;
  lastAt = Date.now();
  const lines = queue;
  queue = [];
  if (!lines.length) return;
  const said = lines.length > MAX_LINES ? [S.announceMany(lines.length, lines[lines.length - 1])] : lines;
  // new nodes each time: additions are what a polite region reads; the old ones go quietly
  region().replaceChildren(...said.map((line) => h('p', {}, line)));
}
