// The composer: Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit.
// While the user types it sends `typing` at most every 2.5 s, and `active:false` on send/blur.
// Files (attach button, paste, drop on the message list) upload at once with a progress bar
// and wait as chips; sending puts their ids in `attachments`. Sending files without text uses
// the file names as the body (the server needs 1–4000 characters).

import { h, clear, snippet, displayName } from '../dom.js';
import { typingNames } from '../store.js';
import { uploadFile, humanSize } from '../files.js';
import { plainText } from '../markdown.js';

const TYPING_EVERY_MS = 2500;

let actions;
let input, form, context, contextText;
let mode = null; // null | {kind: 'reply'|'edit', message}
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
    }
  });
  input.addEventListener('input', () => {
    autosize();
    if (input.value.trim() && mode?.kind !== 'edit' && Date.now() - typingSentAt > TYPING_EVERY_MS) {
      typingSentAt = Date.now();
      actions.typing(true);
    }
  });
  input.addEventListener('blur', stopTyping);
  initFiles();
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
    showError('Wait for the files to finish uploading (or remove them).');
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
      showError(`At most ${MAX_FILES} files per message.`);
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
    showError(`${item.file.name}: ${e.status === 413 ? `too large — ${e.message}` : e.message}`);
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
      const bar = h('progress', { max: '1', 'aria-label': `Uploading ${name}` });
      bar.value = item.progress;
      li.append(bar);
    }
    li.append(h('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${name}`, onclick: () => removeFile(item) }, '×'));
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

export function cancel() {
  const wasEdit = mode && mode.kind === 'edit';
  mode = null;
  context.hidden = true;
  contextText.textContent = '';
  if (wasEdit) {
    input.value = '';
    autosize();
  }
}

export function startReply(m) {
  mode = { kind: 'reply', message: m };
  showContext(`Replying to ${displayName(m.author)}: ${snippet(plainText(m.body), 60)}`);
  input.focus();
}

export function startEdit(m) {
  mode = { kind: 'edit', message: m };
  showContext('Editing message');
  input.value = m.body;
  autosize();
  input.focus();
}

export function resetComposer() {
  cancel();
  clearFiles();
  input.value = '';
  typingSentAt = 0;
  autosize();
}

export function renderTyping(roomId) {
  const names = typingNames(roomId);
  const el = document.getElementById('typing');
  el.textContent = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…`
        : 'Several people are typing…';
}
