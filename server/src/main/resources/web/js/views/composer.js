// The composer: Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit (an
// edit gives back what was being typed before it), Up in an empty composer edits my last message.
// What is typed is kept as the room's draft (drafts below: localStorage, per user and room, the
// thread panel's per thread) across room switches and reloads, and forgotten when sent.
// While the user types it sends `typing` at most every 2.5 s, and `active:false` on send/blur.
// Files (attach button, paste, drop on the message list) upload at once with a progress bar
// and wait as chips; sending puts their ids in `attachments`. Sending files without text uses
// the file names as the body (the server needs 1–4000 characters).

import { h, clear, snippet, displayName } from '../dom.js';
import { state, timeline, typingNames } from '../store.js';
import { uploadFile, humanSize } from '../files.js';
import { plainText } from '../markdown.js';
import { S } from '../strings.js';
import { attachEmojiButton } from './emoji.js';

const TYPING_EVERY_MS = 2500;

let actions;
let input, form, context, contextText;
let mode = null; // null | {kind: 'reply', message} | {kind: 'edit', message, stash: what was typed before}
let typingSentAt = 0;

export function initComposer(a) {
  actions = a;
  input = document.getElementById('input');
  form = document.getElementById('composer');
  context = document.getElementById('composer-context');
  contextText = document.getElementById('context-text');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    } else if (ev.key === 'Escape' && mode) {
      ev.preventDefault();
      cancel();
    } else if (isEditKey(ev, input) && mode?.kind !== 'edit') {
      const mine = lastOwnMessage(timeline(state.currentRoomId).sorted().filter((m) => !m.thread_id));
      if (mine) {
        ev.preventDefault();
        startEdit(mine);
      }
    }
  });
  input.addEventListener('input', () => {
    autosize();
    if (mode?.kind !== 'edit') saveDraft(roomDraftKey(), input.value);
    if (input.value.trim() && mode?.kind !== 'edit' && Date.now() - typingSentAt > TYPING_EVERY_MS) {
      typingSentAt = Date.now();
      actions.typing(true);
    }
  });
  input.addEventListener('blur', stopTyping);
  initFiles();
  attachEmojiButton(input, document.getElementById('attach'));
  document.getElementById('context-cancel').addEventListener('click', () => { cancel(); input.focus(); });
}

function stopTyping() {
  if (typingSentAt) {
    typingSentAt = 0;
    actions.typing(false);
  }
}

function autosize() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}

function submit() {
  let body = input.value;
  const editing = mode && mode.kind === 'edit';
  if (!editing && pending.some((f) => !f.upload)) {
    showError(S.waitForUploads);
    return;
  }
  const files = editing ? [] : pending.map((f) => f.upload);
  if (!body.trim() && files.length) body = files.map((u) => u.name).join(', ').slice(0, 4000);
  if (!body.trim()) return;
  stopTyping();
  showError('');
  if (editing) {
    actions.edit(mode.message, body);
  } else {
    actions.send(body, mode && mode.kind === 'reply' ? mode.message.id : null, files);
    pending = [];
    renderChips();
    saveDraft(roomDraftKey(), '');
  }
  input.value = '';
  autosize();
  cancel();
}

// ---- files waiting to be sent ----

const MAX_FILES = 10; // the server's limit per message
let pending = []; // {key, file, progress, upload, abort}
let chips, errorEl, fileInput;
let nextKey = 1;

function initFiles() {
  chips = document.getElementById('attachments');
  errorEl = document.getElementById('composer-error');
  fileInput = document.getElementById('file-input');
  document.getElementById('attach').addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    addFiles([...fileInput.files]);
    fileInput.value = '';
  });
  input.addEventListener('paste', (ev) => {
    const files = ev.clipboardData ? [...ev.clipboardData.files] : [];
    if (!files.length) return;
    ev.preventDefault();
    addFiles(files);
  });
  const zone = document.querySelector('.timeline');
  for (const target of [zone, form]) {
    target.addEventListener('dragover', (ev) => {
      if (!ev.dataTransfer || ![...ev.dataTransfer.types].includes('Files')) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = 'copy';
      zone.classList.add('drop-target');
    });
    target.addEventListener('dragleave', (ev) => {
      if (!target.contains(ev.relatedTarget)) zone.classList.remove('drop-target');
    });
    target.addEventListener('drop', (ev) => {
      zone.classList.remove('drop-target');
      const files = ev.dataTransfer ? [...ev.dataTransfer.files] : [];
      if (!files.length) return;
      ev.preventDefault();
      addFiles(files);
      input.focus();
    });
  }
}

function showError(text) {
  errorEl.textContent = text;
}

export function addFiles(files) {
  showError('');
  for (const file of files) {
    if (pending.length >= MAX_FILES) {
      showError(S.tooManyFiles(MAX_FILES));
      break;
    }
    const item = { key: nextKey++, file, progress: 0, upload: null, abort: new AbortController() };
    pending.push(item);
    start(item);
  }
  renderChips();
}

async function start(item) {
  try {
    item.upload = await uploadFile(item.file, (f) => {
      item.progress = f;
      const bar = chips.querySelector(`[data-key="${item.key}"] progress`);
      if (bar) bar.value = f;
    }, item.abort.signal);
  } catch (e) {
    if (e.code === 'aborted') return;
    pending = pending.filter((x) => x !== item);
    showError(e.status === 413 ? S.fileTooLargeNamed(item.file.name, e.message) : S.fileError(item.file.name, e.message));
  }
  renderChips();
}

function removeFile(item) {
  item.abort.abort();
  pending = pending.filter((x) => x !== item);
  renderChips();
  input.focus();
}

function renderChips() {
  clear(chips);
  for (const item of pending) {
    const name = item.upload ? item.upload.name : item.file.name;
    const size = item.upload ? item.upload.size : item.file.size;
    const li = h('li', { class: `chip${item.upload ? ' ready' : ' uploading'}`, dataset: { key: item.key } },
      h('span', { class: 'chip-name' }, name),
      h('span', { class: 'chip-size muted' }, humanSize(size)));
    if (!item.upload) {
      const bar = h('progress', { max: '1', 'aria-label': S.uploading(name) });
      bar.value = item.progress;
      li.append(bar);
    }
    li.append(h('button', { type: 'button', class: 'icon', 'aria-label': S.removeFile(name), onclick: () => removeFile(item) }, '×'));
    chips.append(li);
  }
}

function clearFiles() {
  pending.forEach((item) => { if (!item.upload) item.abort.abort(); });
  pending = [];
  if (chips) renderChips();
  if (errorEl) showError('');
}

function showContext(text) {
  contextText.textContent = text;
  context.hidden = false;
}

/** Leaves reply or edit mode; an edit puts back what was typed before it. */
export function cancel() {
  const was = mode;
  mode = null;
  context.hidden = true;
  contextText.textContent = '';
  if (was && was.kind === 'edit') {
    input.value = was.stash;
    autosize();
  }
}

export function startReply(m) {
  const stash = mode && mode.kind === 'edit' ? mode.stash : null;
  if (stash != null) input.value = stash; // a reply during an edit: back to the draft first
  mode = { kind: 'reply', message: m };
  showContext(S.replyingTo(displayName(m.author), snippet(plainText(m.body), 60)));
  autosize();
  input.focus();
}

export function startEdit(m) {
  const stash = mode && mode.kind === 'edit' ? mode.stash : input.value;
  mode = { kind: 'edit', message: m, stash };
  showContext(S.editing);
  input.value = m.body;
  autosize();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

/** Another room is open: its draft comes back, files and modes are dropped. */
export function resetComposer() {
  cancel();
  clearFiles();
  input.value = loadDraft(roomDraftKey());
  typingSentAt = 0;
  autosize();
}

// ---- editing my last message, drafts (shared with the thread panel's composer) ----

/** Up in an empty composer, without modifiers: edit my last message. */
export function isEditKey(ev, el) {
  return ev.key === 'ArrowUp' && !ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey && !ev.isComposing
    && el.value === '';
}

/** The newest of `messages` (oldest first) that I wrote and that is not deleted. */
export function lastOwnMessage(messages) {
  if (!state.me) return null;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const m = messages[i];
    if (m.author && m.author.id === state.me.id && !m.deleted) return m;
  }
  return null;
}

const DRAFTS_PREFIX = 'banter.drafts.';
const MAX_DRAFTS = 50; // beyond this many rooms and threads the oldest draft is dropped
const MAX_DRAFT_CHARS = 4000; // the server's limit of a body

/** The draft key of the open room, or with `rootId` of a thread in it. */
export function roomDraftKey(roomId = state.currentRoomId, rootId = null) {
  if (!roomId) return null;
  return rootId ? `${roomId}/${rootId}` : roomId;
}

function draftsKey() {
  return state.me && state.me.id ? DRAFTS_PREFIX + state.me.id : null;
}

function readDrafts() {
  const key = draftsKey();
  if (!key) return {};
  try {
    const all = JSON.parse(localStorage.getItem(key) || '{}');
    return all && typeof all === 'object' ? all : {};
  } catch {
    return {};
  }
}

export function loadDraft(key) {
  const d = key ? readDrafts()[key] : null;
  return d && typeof d.text === 'string' ? d.text : '';
}

/** Keeps `text` as the draft of `key` (an empty text forgets it); at most MAX_DRAFTS are kept. */
export function saveDraft(key, text) {
  const storeKey = draftsKey();
  if (!key || !storeKey) return;
  const all = readDrafts();
  if (text.trim()) {
    all[key] = { text: text.slice(0, MAX_DRAFT_CHARS), at: Date.now() };
  } else if (key in all) {
    delete all[key];
  } else {
    return;
  }
  const keys = Object.keys(all);
  if (keys.length > MAX_DRAFTS) {
    keys.sort((a, b) => (all[a].at || 0) - (all[b].at || 0));
    keys.slice(0, keys.length - MAX_DRAFTS).forEach((k) => delete all[k]);
  }
  try {
    localStorage.setItem(storeKey, JSON.stringify(all));
  } catch { /* storage full or refused: the draft lives only on screen */ }
}

export function renderTyping(roomId) {
  const names = typingNames(roomId);
  const el = document.getElementById('typing');
  el.textContent = names.length === 0 ? '' : S.typing(names);
}
