// The composer: Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit.
// While the user types it sends `typing` at most every 2.5 s, and `active:false` on send/blur.

import { snippet, displayName } from '../dom.js';
import { typingNames } from '../store.js';

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
  const body = input.value;
  if (!body.trim()) return;
  stopTyping();
  if (mode && mode.kind === 'edit') {
    actions.edit(mode.message, body);
  } else {
    actions.send(body, mode && mode.kind === 'reply' ? mode.message.id : null);
  }
  input.value = '';
  autosize();
  cancel();
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
  showContext(`Replying to ${displayName(m.author)}: ${snippet(m.body, 60)}`);
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
