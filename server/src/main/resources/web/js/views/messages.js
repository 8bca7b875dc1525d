// The message list: keyed rendering (an unchanged message keeps its element, so focus and
// scroll survive updates), day separators, author grouping, replies, reactions, pending
// sends, infinite scroll upward and smart autoscroll with a "new messages" pill.

import { h, avatar, displayName, handleIfRenamed, timeOf, dateTimeOf, dayKey, dayLabel, snippet } from '../dom.js';
import { opensProfile, profileButton } from './profile.js';
import { renderBody, plainText } from '../markdown.js';
import { state, timeline, currentRoom, canModerate, mentionsMe, reading, settleDivider, parentOf, receipts, seenBy } from '../store.js';
import { S } from '../strings.js';
import { openEmojiPicker } from './emoji.js';
import { blobUrl, download, humanSize } from '../files.js';

const GROUP_MS = 5 * 60 * 1000;
const BOTTOM_SLACK_PX = 40;
const LOAD_OLDER_PX = 200;

let actions;
let scroller, list, pill, historyStatus, jumpLatest;
let keyed = null; // the room's list
let renderedRoom = null;
let newestRendered = 0;

export function initMessages(a) {
  actions = a;
  scroller = document.getElementById('scroller');
  list = document.getElementById('messages');
  pill = document.getElementById('pill');
  historyStatus = document.getElementById('history-status');
  jumpLatest = document.getElementById('jump-latest');
  keyed = new KeyedList(list);
  jumpLatest.addEventListener('click', () => actions.showLatest(state.currentRoomId));
  scroller.addEventListener('scroll', onScroll, { passive: true });
  pill.addEventListener('click', () => {
    scrollToBottom();
    actions.markRead();
  });
}

export function isAtBottom() {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK_PX;
}

export function scrollToBottom() {
  scroller.scrollTop = scroller.scrollHeight;
  pill.hidden = true;
}

function onScroll() {
  if (isAtBottom()) {
    pill.hidden = true;
    if (jumpLatest.hidden) actions.markRead(); // a detached page is not the newest: nothing to mark
  }
  if (scroller.scrollTop < LOAD_OLDER_PX) actions.loadOlder();
}

/**
 * Renders the current room. mode: 'open' (jump to the newest), 'prepend' (older messages
 * were added above: keep what the reader sees in place), or 'update'.
 */
export function renderMessages(mode = 'update') {
  const room = currentRoom();
  if (!room) {
    keyed.reset();
    return;
  }
  if (renderedRoom !== room.id) {
    keyed.reset();
    renderedRoom = room.id;
    newestRendered = 0;
    mode = 'open';
  }
  const t = timeline(room.id);
  const wasAtBottom = isAtBottom();
  const prevHeight = scroller.scrollHeight;
  const prevTop = scroller.scrollTop;

  const settled = !t.loaded || settleDivider(room.id, t);
  const items = buildItems(room, t);
  keyed.reconcile(items);
  askForWhatIsMissing(room, t, items, settled);

  jumpLatest.hidden = !t.detached;
  historyStatus.textContent = !t.loaded ? S.loading : t.loading ? S.loadingOlder
    : t.hasMore ? '' : S.roomBeginning;

  const newestMsg = newestTopLevel(t); // thread replies live in their thread, not this list
  const newest = newestMsg ? newestMsg.seq : 0;
  const arrived = newest > newestRendered && newestRendered > 0;
  const mine = newestMsg && state.me && newestMsg.author.id === state.me.id;
  const pendingMine = items.length && items[items.length - 1].key.startsWith('p-');
  if (mode === 'open' || mode === 'divider') {
    if (!scrollToDivider()) scrollToBottom();
  } else if (mode === 'prepend') {
    scroller.scrollTop = prevTop + (scroller.scrollHeight - prevHeight);
  } else if (wasAtBottom || (arrived && mine) || (mode === 'sent' && pendingMine)) {
    scrollToBottom();
  } else if (arrived && !t.detached) {
    pill.hidden = false;
  }
  if (t.loaded) newestRendered = Math.max(newestRendered, newest);
  // A first page shorter than the screen cannot be scrolled: fetch more right away.
  if (t.loaded && t.hasMore && scroller.scrollHeight <= scroller.clientHeight) actions.loadOlder();
}

function newestTopLevel(t) {
  const all = t.sorted();
  for (let i = all.length - 1; i >= 0; i -= 1) if (!all[i].thread_id) return all[i];
  return null;
}

function buildItems(room, t) {
  const items = [];
  let prev = null;
  const mod = canModerate(room);
  const divider = reading.roomId === room.id && reading.settled ? reading.dividerSeq : null;
  const seen = t.detached ? null : myLatest(t);
  for (const m of t.sorted()) {
    if (m.thread_id) continue; // shown in the thread panel
    const day = dayKey(m.created_at);
    if (!prev || dayKey(prev.created_at) !== day) {
      items.push({ key: `d-${day}`, sig: day, build: () => daySeparator(m.created_at) });
    }
    if (m.seq === divider) items.push({ key: 'new-divider', sig: String(divider), build: unreadDivider });
    const grouped = !!prev && dayKey(prev.created_at) === day && prev.author.id === m.author.id
      && Date.parse(m.created_at) - Date.parse(prev.created_at) < GROUP_MS && !m.reply_to && !prev.deleted && !prev.thread
      && m.seq !== divider;
    const parent = m.reply_to ? parentOf(room.id, m.reply_to) : null;
    const sig = `${messageSig(m, parent, mod)}|${grouped}`;
    items.push({ key: `m-${m.id}`, sig, build: () => messageItem(room, m, { grouped, parent, mod }) });
    if (seen && m === seen) {
      const who = seenBy(room.id, m.seq);
      if (who && who.total > 0) {
        const readers = who.readers.map((x) => `${x.user.username}:${displayName(x.user)}`).join(',');
        items.push({ key: `s-${m.id}`, sig: `${readers}|${who.total}`, build: () => seenByItem(who) });
      }
    }
    prev = m;
  }
  for (const p of state.outbox) {
    if (p.room_id !== room.id || p.thread_id) continue;
    items.push({ key: `p-${p.client_id}`, sig: `${p.failed}${p.error || ''}`, build: () => pendingItem(p) });
  }
  return items;
}

/** What a message's element shows: when it changes, the element is rebuilt. */
export function messageSig(m, parent, mod) {
  return [m.edited_at, m.deleted, m.body, (m.attachments || []).length, JSON.stringify(m.reactions || {}),
    parent ? `${parent.state || ''}${parent.deleted}${parent.body}${displayName(parent.author)}` : '-', mod, m.pinned_at || '', m.pinned_by || '',
    JSON.stringify(m.thread || null), mentionsMe(m)].join('|');
}

/**
 * A list rendered by key: an item whose signature did not change keeps its element (and so its
 * focus and the reader's place); a changed one is rebuilt and focus moved to the same control.
 */
export class KeyedList {
  constructor(list) {
    this.list = list;
    this.cache = new Map(); // key -> {sig, el}
  }

  reset() {
    this.cache = new Map();
    this.list.replaceChildren();
  }

  reconcile(items) {
    const list = this.list;
    const next = new Map();
    items.forEach((item, i) => {
      let entry = this.cache.get(item.key);
      if (!entry || entry.sig !== item.sig) {
        const el = item.build();
        if (entry) {
          const focusKey = entry.el.contains(document.activeElement) && document.activeElement.dataset.fk;
          entry.el.replaceWith(el);
          if (focusKey) {
            const again = el.querySelector(`[data-fk="${CSS.escape(focusKey)}"]`);
            if (again) again.focus();
          }
        }
        entry = { sig: item.sig, el };
      }
      next.set(item.key, entry);
      if (list.children[i] !== entry.el) list.insertBefore(entry.el, list.children[i] || null);
    });
    while (list.children.length > items.length) list.lastElementChild.remove();
    this.cache = next;
  }
}

function daySeparator(iso) {
  return h('li', { class: 'day-sep' }, h('span', {}, dayLabel(iso)));
}

/**
 * One message. In the room's list a thread root also shows its summary ("3 replies"); in the
 * thread panel (`inThread`) it does not, and its actions edit in the thread's composer.
 */
export function messageItem(room, m, { grouped = false, parent = null, mod = false, inThread = false } = {}) {
  const mine = state.me && m.author.id === state.me.id;
  const cls = ['msg'];
  if (grouped) cls.push('grouped');
  if (m.deleted) cls.push('deleted');
  if (m.pinned_at) cls.push('pinned');
  if (!m.deleted && mentionsMe(m)) cls.push('mentions-me');
  if (state.linked && state.linked.id === m.id) cls.push('linked'); // navigation (#21): a deep link's message
  const li = h('li', { class: cls.join(' '), dataset: { seq: m.seq, id: m.id } });
  if (!grouped) {
    li.append(h('div', { class: 'msg-head' }, opensProfile(avatar(m.author, 'md'), m.author),
      profileButton(m.author, 'author', displayName(m.author)),
      h('span', { class: 'muted handle' }, handleIfRenamed(m.author)),
      h('time', { datetime: m.created_at, title: dateTimeOf(m.created_at) }, timeOf(m.created_at))));
  }
  if (m.reply_to) li.append(replyQuote(parent));
  if (m.deleted) {
    li.append(h('div', { class: 'body tombstone' }, S.messageDeleted));
    if (!inThread && m.thread && m.thread.reply_count) li.append(threadSummary(m));
    return li;
  }
  const body = bodyOf(m.body);
  if (m.edited_at) {
    const last = body.lastElementChild; // "(edited)" ends the last line when that is a paragraph
    (last && last.tagName === 'P' ? last : body).append(' ',
      h('span', { class: 'edited', title: S.editedAt(dateTimeOf(m.edited_at)) }, S.edited));
  }
  li.append(body);
  if (m.attachments && m.attachments.length) li.append(attachmentList(m.attachments));
  const reactions = reactionBar(room, m);
  if (reactions) li.append(reactions);
  if (m.pinned_at) li.append(pinMark(m));
  if (!inThread && m.thread && m.thread.reply_count) li.append(threadSummary(m));
  li.append(messageActions(room, m, mine, mod, inThread));
  return li;
}

/** "3 replies · last reply 14:02" and who took part, as one button that opens the thread. */
function threadSummary(m) {
  const th = m.thread;
  const last = th.last_reply_at ? S.lastReply(S.dayAndTime(dayLabel(th.last_reply_at), timeOf(th.last_reply_at))) : '';
  const people = th.participants || [];
  return h('button', {
    type: 'button', class: 'thread-summary', dataset: { fk: 'thread' },
    'aria-label': [S.replies(th.reply_count), last, people.length ? S.participants(people) : ''].filter(Boolean).join(', '),
    onclick: () => actions.openThread(m),
  },
  h('span', { class: 'thread-people', 'aria-hidden': 'true' }, people.map((u) => h('span', { class: 'thread-person', title: u }, u))),
  h('span', { class: 'thread-count' }, S.replies(th.reply_count)),
  last ? h('span', { class: 'thread-last muted' }, ` · ${last}`) : null);
}

/** A body as the Markdown subset (markdown.js), mentions of the reader marked. */
function bodyOf(text) {
  return h('div', { class: 'body' }, renderBody(text, { me: state.me && state.me.username }));
}

/**
 * The quoted parent of a reply: loaded or fetched by id, a button that shows it in the history;
 * while it is fetched, when it is gone for good, or when it cannot be fetched, a line saying so.
 */
function replyQuote(parent) {
  if (!parent || !parent.id) {
    const status = parent && parent.state;
    const text = status === 'loading' ? S.quoteLoading : status === 'gone' ? S.quoteGone : S.quoteUnknown;
    return h('div', { class: `reply-quote${status ? ` ${status}` : ''}` }, '↪ ', h('span', { class: 'reply-snippet' }, text));
  }
  const text = parent.deleted ? S.quoteDeleted : snippet(plainText(parent.body));
  const who = displayName(parent.author);
  return h('button', {
    type: 'button', class: 'reply-quote', dataset: { fk: 'quote', parentId: parent.id },
    'aria-label': S.jumpToParent(who, text), title: S.jumpToParentHint,
    onclick: () => actions.jumpTo(parent),
  }, '↪ ', h('span', { class: 'reply-author' }, who), ': ', h('span', { class: 'reply-snippet' }, text));
}

function reactionBar(room, m) {
  const entries = Object.entries(m.reactions || {}).filter(([, users]) => users.length > 0);
  if (!entries.length) return null;
  const bar = h('div', { class: 'reactions' });
  for (const [emoji, users] of entries) {
    const mine = state.me && users.includes(state.me.username);
    const who = S.reactedBy(emoji, users);
    bar.append(h('button', {
      type: 'button', class: `reaction${mine ? ' mine' : ''}`, 'aria-pressed': mine ? 'true' : 'false',
      'aria-label': mine ? S.reactedByMine(who) : who, title: who, dataset: { fk: `r-${emoji}` },
      onclick: () => actions.react(room.id, m.id, emoji, !mine),
    }, h('span', { class: 'emoji', 'aria-hidden': 'true' }, emoji), h('span', { class: 'count' }, String(users.length))));
  }
  return bar;
}

function messageActions(room, m, mine, mod, inThread) {
  const bar = h('div', { class: 'msg-actions' });
  const react = h('button', { type: 'button', class: 'icon', 'aria-label': S.addReaction, title: S.addReaction, dataset: { fk: 'react' } }, '☺');
  react.addEventListener('click', () => openEmojiPicker(react, (emoji) => {
    const users = (m.reactions && m.reactions[emoji]) || [];
    actions.react(room.id, m.id, emoji, !users.includes(state.me.username));
  }));
  const pinLabel = m.pinned_at ? S.unpin : S.pin;
  bar.append(...[react, // (append would write a null as the text "null")
    inThread ? null : h('button', { type: 'button', class: 'icon', 'aria-label': S.reply, title: S.reply, dataset: { fk: 'reply' }, onclick: () => actions.startReply(m) }, '↩'),
    h('button', { type: 'button', class: `icon${m.pinned_at ? ' on' : ''}`, 'aria-label': pinLabel, title: pinLabel, dataset: { fk: 'pin' },
      onclick: () => actions.pin(m, !m.pinned_at) }, '📌')].filter(Boolean));
  if (!inThread && !m.thread_id) {
    bar.append(h('button', { type: 'button', class: 'icon', 'aria-label': S.replyInThread, title: S.replyInThread, dataset: { fk: 'in-thread' },
      onclick: () => actions.openThread(m, true) }, '💬'));
  }
  // navigation (#21): the message's deep link to the clipboard
  bar.append(h('button', { type: 'button', class: 'icon', 'aria-label': S.copyLink, title: S.copyLink, dataset: { fk: 'link' },
    onclick: () => actions.copyLink(m) }, '🔗'));
  if (mine) {
    bar.append(h('button', { type: 'button', class: 'icon', 'aria-label': S.edit, title: S.edit, dataset: { fk: 'edit' },
      onclick: () => (inThread ? actions.startThreadEdit(m) : actions.startEdit(m)) }, '✎'));
  }
  if (mine || mod) {
    bar.append(h('button', { type: 'button', class: 'icon', 'aria-label': S.delete, title: S.delete, dataset: { fk: 'delete' }, onclick: () => actions.remove(m) }, '🗑'));
  }
  return bar;
}

function pinMark(m) {
  const when = dateTimeOf(m.pinned_at);
  return h('div', { class: 'pin-mark muted', title: S.pinnedAt(when) }, '📌 ', S.pinnedBy(m.pinned_by || S.someone));
}

export function pendingItem(p) {
  const li = h('li', { class: `msg pending${p.failed ? ' failed' : ''}`, dataset: { clientId: p.client_id } },
    h('div', { class: 'msg-head' }, avatar(state.me, 'md'), h('span', { class: 'author' }, displayName(state.me)),
      h('span', { class: 'status' }, p.failed ? S.sendFailed(p.error || S.error) : S.sending)));
  li.append(bodyOf(p.body));
  if (p.files && p.files.length) {
    li.append(h('ul', { class: 'attachments' }, p.files.map((f) => h('li', { class: 'file-chip' },
      h('span', { class: 'chip-name' }, f.name), h('span', { class: 'chip-size muted' }, humanSize(f.size))))));
  }
  if (p.failed) {
    li.append(h('div', { class: 'msg-actions visible' },
      h('button', { type: 'button', onclick: () => actions.retry(p) }, S.retry),
      h('button', { type: 'button', onclick: () => actions.discard(p) }, S.discard)));
  }
  return li;
}

/** Scrolls a loaded message into the middle of the view and highlights it for a moment. */
export function revealMessage(id) {
  const li = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  if (!li) return false;
  li.scrollIntoView({ block: 'center' });
  li.classList.add('flash');
  li.setAttribute('tabindex', '-1');
  li.focus({ preventScroll: true });
  setTimeout(() => li.classList.remove('flash'), 2500);
  return true;
}

function isImage(a) {
  return !!a.thumbnail_url && /^image\//.test(a.content_type || '');
}

/** Images as thumbnails (fetched with the token, shown from blob: URLs), other files as chips. */
function attachmentList(attachments) {
  const ul = h('ul', { class: 'attachments' });
  for (const a of attachments) {
    const label = S.fileLabel(a.name, humanSize(a.size));
    if (isImage(a)) {
      const img = h('img', { class: 'thumb', alt: a.name });
      const button = h('button', { type: 'button', class: 'thumb-button', 'aria-label': S.openImage(label), title: label,
        onclick: () => openImage(a) }, img);
      blobUrl(a.thumbnail_url).then((src) => { img.src = src; }).catch(() => {
        button.replaceWith(fileChip(a, label));
      });
      ul.append(h('li', {}, button));
    } else {
      ul.append(h('li', {}, fileChip(a, label)));
    }
  }
  return ul;
}

function fileChip(a, label) {
  const status = h('span', { class: 'chip-error error', role: 'status' });
  const button = h('button', { type: 'button', class: 'file-chip', 'aria-label': S.downloadLabel(label), title: S.downloadLabel(a.name),
    onclick: () => {
      status.textContent = '';
      download(a.url, a.name).catch((e) => { status.textContent = e.message; });
    } },
  h('span', { class: 'file-icon', 'aria-hidden': 'true' }, '📄'), h('span', { class: 'chip-name' }, a.name),
  h('span', { class: 'chip-size muted' }, humanSize(a.size)));
  return h('span', { class: 'file' }, button, status);
}

/** The full image in a modal <dialog>, from a blob: URL. */
function openImage(a) {
  const img = h('img', { class: 'full-image', alt: a.name });
  const error = h('p', { class: 'error', role: 'status' });
  const close = h('button', { type: 'button', class: 'icon', 'aria-label': S.closeImage }, '×');
  const dialog = h('dialog', { class: 'dialog image-dialog', 'aria-label': a.name },
    h('div', { class: 'dialog-head' }, h('h2', {}, a.name), close),
    h('div', { class: 'dialog-body' }, img, error,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', onclick: () => download(a.url, a.name).catch((e) => { error.textContent = e.message; }) }, S.download))));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  blobUrl(a.url).then((src) => { img.src = src; }).catch((e) => { error.textContent = e.message; });
}

// ---- reading state and replies (#21) ----

/** The "New messages" line before the first message that was unread when the room was opened. */
function unreadDivider() {
  return h('li', { class: 'unread-divider' },
    h('span', {}, S.newMessagesDivider));
}

/** Scrolls the divider (when there is one) near the top of the view; false when there is none. */
function scrollToDivider() {
  const el = list.querySelector('.unread-divider');
  if (!el) return false;
  scroller.scrollTop += el.getBoundingClientRect().top - scroller.getBoundingClientRect().top - DIVIDER_MARGIN_PX;
  pill.hidden = true;
  return true;
}

const DIVIDER_MARGIN_PX = 8;

/** My newest message of the room's list: the one "Seen by" is shown under. */
function myLatest(t) {
  if (!state.me) return null;
  const all = t.sorted();
  for (let i = all.length - 1; i >= 0; i -= 1) {
    const m = all[i];
    if (!m.thread_id && !m.deleted && m.author.id === state.me.id) return m;
  }
  return null;
}

/** "Seen by alice, bob +3", the first readers' small avatars, every listed name in the title. */
function seenByItem(who) {
  const shown = who.readers.slice(0, SEEN_NAMES);
  const names = shown.map((x) => displayName(x.user));
  const more = Math.max(0, who.total - shown.length);
  const all = who.readers.map((x) => displayName(x.user));
  return h('li', { class: 'seen-by', title: S.seenByAll(all, Math.max(0, who.total - all.length)) },
    h('span', { class: 'seen-avatars', 'aria-hidden': 'true' }, shown.map((x) => avatar(x.user, 'xs'))),
    h('span', { class: 'seen-text' }, S.seenBy(names, more)));
}

const SEEN_NAMES = 3;

/**
 * After a render: the older pages the divider needs, the parents of replies not loaded, and the
 * read markers for "seen by" when my latest message is not covered by the ones held.
 */
function askForWhatIsMissing(room, t, items, settled) {
  if (!t.loaded) return;
  if (!settled) actions.findFirstUnread(room.id);
  for (const m of t.bySeq.values()) {
    if (m.reply_to && !m.thread_id && !parentOf(room.id, m.reply_to)) actions.fetchParent(room.id, m.reply_to);
  }
  const mine = t.detached ? null : myLatest(t);
  if (!mine) return;
  const r = receipts.get(room.id);
  const stale = !r || mine.seq < r.minSeq || (mine.seq > r.minSeq && r.total > r.readers.size);
  if (stale && !(r && r.loading)) actions.loadReceipts(room.id, mine.seq);
}
