// Light, dark, or whatever the system prefers (the default). The choice is kept in
// localStorage (`banter.theme`) and applied to <html data-theme> — before the first paint by
// theme-boot.js, and here when the user switches. app.css holds the colours of both.

import { S } from './strings.js';

const KEY = 'banter.theme';
export const THEMES = ['system', 'light', 'dark'];

export function currentTheme() {
  try {
    const t = localStorage.getItem(KEY);
    return THEMES.includes(t) ? t : 'system';
  } catch {
    return 'system';
  }
}

export function setTheme(theme) {
  const t = THEMES.includes(theme) ? theme : 'system';
  try {
    if (t === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, t);
  } catch { /* not kept: applies to this page only */ }
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  renderThemeButton();
}

/** The sidebar's theme button: each press moves to the next of system → light → dark. */
export function initTheme() {
  const b = document.getElementById('btn-theme');
  if (!b) return;
  b.addEventListener('click', () => setTheme(THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length]));
  renderThemeButton();
}

function renderThemeButton() {
  const b = document.getElementById('btn-theme');
  if (!b) return;
  const t = currentTheme();
  b.textContent = S.themeButton(t);
  b.setAttribute('aria-label', S.themeLabel(t));
}
