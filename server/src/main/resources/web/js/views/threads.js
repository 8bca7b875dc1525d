// Threads (SPEC §8): the thread panel beside the room's timeline (the root, its replies oldest
// first, a composer that sends with thread_id) and the list of the threads I follow with their
// unread replies. Bodies are user text: rendered as messages are (markdown.js, text nodes).

import { h, clear, displayName, timeOf, dayLabel, snippet } from '../dom.js';
import { plainText } from '../markdown.js';
import { state, canModerate } from '../store.js';
import { messageItem, messageSig, pendingItem, KeyedList } from './messages.js';
import { attachMentions } from './mentions.js';
import { isEditKey, lastOwnMessage, loadDraft, saveDraft, roomDraftKey } from './composer.js';
import { attachEmojiButton } from './emoji.js';
import { S } from '../strings.js';

const BOTTOM_SLACK_PX = 40;

let actions;
let app, panel, roomLine, scroller, list, status, form, input, context, contextText, keyed;
let listPanel, listStatus, threadList, listToggle, badge;
let editing = null; // the reply being edited in the thread's composer
let stash = ''; // what was typed before that edit, given back when it ends
let shownRoot = null;

export function initThreads(a) {
  actions = a;
  app = document.getElementById('app');
  panel = document.getElementById('thread-panel');
  roomLine = document.getElementById('thread-room');
  scroller = document.getElementById('thread-scroller');
  list = document.getElementById('thread-messages');
  status = document.getElementById('thread-status');
  form = document.getElementById('thread-composer');
  input = document.getElementById('thread-input');
  context = document.getElementById('thread-context');
  contextText = document.getElementById('thread-context-text');
  keyed = new KeyedList(list);
  document.getElementById('thread-title').textContent = S.threadTitle;
  scroller.setAttribute('aria-label', S.threadTitle);
  labelled(document.getElementById('thread-close'), S.closeThread).addEventListener('click', () => actions.closeThread());
  document.getElementById('thread-input-label').textContent = S.threadMessage;
  input.placeholder = S.threadMessage;
  labelled(document.getElementById('thread-send'), S.threadSend).textContent = S.send;
  labelled(document.getElementById('thread-context-cancel'), S.cancelEdit);
  document.getElementById('thread-context-cancel').addEventListener('click', () => { cancelEdit(); input.focus(); });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      if (editing) cancelEdit(); else actions.closeThread();
    } else if (isEditKey(ev, input) && !editing && state.thread) {
      const th = state.thread; // Up in an empty composer edits my last message of the thread
      const mine = lastOwnMessage([th.root, ...th.t.sorted()].filter(Boolean));
      if (mine) {
        ev.preventDefault();
        startThreadEdit(mine);
      }
    }
  });
  input.addEventListener('input', () => {
    autosize();
    if (!editing && state.thread) saveDraft(threadDraftKey(), input.value);
  });
  attachEmojiButton(input, document.getElementById('thread-send'));
  attachMentions(input);
  scroller.addEventListener('scroll', () => { if (atBottom()) actions.markThreadRead(); }, { passive: true });
  initList();
}

function labelled(el, text) {
  el.setAttribute('aria-label', text);
  el.title = text;
  return el;
}

function atBottom() {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK_PX;
}

function autosize() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function submit() {
  const th = state.thread;
  const body = input.value;
  if (!th || !body.trim()) return;
  if (editing) actions.edit(editing, body);
  else {
    actions.send(body, null, [], th.rootId);
    saveDraft(threadDraftKey(), '');
  }
  input.value = '';
  autosize();
  cancelEdit();
}

function cancelEdit() {
  const was = editing;
  editing = null;
  context.hidden = true;
  if (was) {
    input.value = stash;
    stash = '';
    autosize();
  }
}

function threadDraftKey() {
  return state.thread ? roomDraftKey(state.thread.roomId, state.thread.rootId) : null;
}

/** Edits one of the thread's messages in the thread's composer. */
export function startThreadEdit(m) {
  if (!editing) stash = input.value;
  editing = m;
  contextText.textContent = S.editing;
  context.hidden = false;
  input.value = m.body;
  autosize();
  input.focus();
}

export function focusThreadComposer() {
  input.focus();
}

/** Renders the open thread (state.thread), or hides the panel. */
export function renderThread() {
  const th = state.thread;
  if (!th) {
    panel.hidden = true;
    app.classList.remove('thread-open');
    shownRoot = null;
    keyed.reset();
    cancelEdit();
    return;
  }
  const room = state.rooms.get(th.roomId);
  const opened = shownRoot !== th.rootId;
  if (opened) {
    keyed.reset();
    cancelEdit();
    input.value = loadDraft(threadDraftKey());
    autosize();
    shownRoot = th.rootId;
  }
  panel.hidden = false;
  app.classList.add('thread-open');
  roomLine.textContent = room ? S.threadIn(room.kind === 'direct' ? S.dmLabel(room.name) : S.roomLabel(room.name)) : '';
  const wasAtBottom = atBottom();
  const mod = canModerate(room);
  const items = [];
  if (th.root) {
    const root = th.root;
    items.push({ key: `m-${root.id}`, sig: `root|${messageSig(root, null, mod)}`, build: () => messageItem(room, root, { mod, inThread: true }) });
  }
  const replies = th.t.sorted();
  const count = th.root && th.root.thread ? th.root.thread.reply_count : replies.length;
  items.push({ key: 'count', sig: String(count), build: () => h('li', { class: 'day-sep thread-sep' }, h('span', {}, S.replies(count))) });
  for (const m of replies) {
    const parent = null;
    items.push({ key: `m-${m.id}`, sig: messageSig(m, parent, mod), build: () => messageItem(room, m, { mod, inThread: true }) });
  }
  for (const p of state.outbox) {
    if (p.thread_id !== th.rootId) continue;
    items.push({ key: `p-${p.client_id}`, sig: `${p.failed}${p.error || ''}`, build: () => pendingItem(p) });
  }
  keyed.reconcile(items);
  status.classList.toggle('error', !!th.error);
  status.textContent = th.error ? S.threadLoadFailed(th.error) : !th.loaded ? S.threadLoading
    : replies.length ? '' : S.threadNoReplies;
  if (opened || wasAtBottom || th.sentByMe) {
    scroller.scrollTop = scroller.scrollHeight;
    th.sentByMe = false;
  }
  if (opened && th.focus) input.focus();
  actions.markThreadRead();
}

/** Scrolls a reply of the open thread into view and highlights it for a moment (a search hit). */
export function revealInThread(id) {
  const li = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  if (!li) return;
  li.scrollIntoView({ block: 'center' });
  li.classList.add('flash');
  li.setAttribute('tabindex', '-1');
  li.focus({ preventScroll: true });
  setTimeout(() => li.classList.remove('flash'), 2500);
}

export function threadAtBottom() {
  return !panel.hidden && atBottom();
}

// ---- the list of followed threads ----

function initList() {
  listPanel = document.getElementById('threads-panel');
  listStatus = document.getElementById('threads-status');
  threadList = document.getElementById('threads-list');
  listToggle = document.getElementById('btn-threads');
  document.getElementById('threads-title').textContent = S.threadsTitle;
  listToggle.replaceChildren(h('span', {}, S.threadsButton));
  badge = h('span', { class: 'badge', hidden: true });
  listToggle.append(badge);
  listToggle.addEventListener('click', () => (listPanel.hidden ? openList() : closeList()));
  labelled(document.getElementById('threads-close'), S.closeThreads).addEventListener('click', () => { closeList(); listToggle.focus(); });
  listPanel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      closeList();
      listToggle.focus();
    }
  });
}

function openList() {
  listPanel.hidden = false;
  listToggle.setAttribute('aria-expanded', 'true');
  document.getElementById('app').classList.remove('sidebar-open');
  listPanel.focus();
  renderThreadList();
  actions.loadThreads();
}

export function closeList() {
  listPanel.hidden = true;
  listToggle.setAttribute('aria-expanded', 'false');
}

/** The followed threads: the sidebar button's badge, and the panel's entries when it is open. */
export function renderThreadList(error) {
  const threads = state.threads || [];
  const unread = threads.filter((t) => t.unread_count > 0).length;
  badge.hidden = !unread;
  badge.textContent = String(unread);
  badge.setAttribute('aria-label', S.unreadThreads(unread));
  if (listPanel.hidden) return;
  listStatus.classList.toggle('error', !!error);
  if (error) {
    listStatus.textContent = S.threadsLoadFailed(error);
    return;
  }
  listStatus.textContent = state.threads == null ? S.threadsLoading : threads.length ? '' : S.threadsNone;
  clear(threadList);
  for (const t of threads) threadList.append(threadEntry(t));
}

function threadEntry(t) {
  const room = state.rooms.get(t.room_id);
  const root = t.root;
  const th = root.thread || { reply_count: 0 };
  const roomName = room ? (room.kind === 'direct' ? S.dmLabel(room.name) : S.roomLabel(room.name)) : '';
  const last = th.last_reply_at ? S.lastReply(S.dayAndTime(dayLabel(th.last_reply_at), timeOf(th.last_reply_at))) : '';
  const button = h('button', {
    type: 'button', class: `thread-hit${t.unread_count ? ' unread' : ''}`, dataset: { rootId: root.id, roomId: t.room_id },
    disabled: room ? null : true,
    onclick: () => {
      closeList();
      actions.openThreadIn(t.room_id, root);
    },
  },
  h('span', { class: 'thread-meta' },
    h('span', { class: 'thread-room' }, roomName),
    h('span', { class: 'thread-author' }, displayName(root.author)),
    h('span', { class: 'thread-replies' }, S.replies(th.reply_count)),
    last ? h('span', { class: 'muted' }, last) : null,
    t.unread_count ? h('span', { class: 'badge', 'aria-label': S.unreadReplies(t.unread_count) }, String(t.unread_count)) : null),
  h('span', { class: 'thread-snippet' }, root.deleted ? S.messageDeleted : snippet(plainText(root.body), 160)));
  return h('li', {}, button);
}
