// Notices that the server now serves another version of this client (it was upgraded while the
// page stayed open) and offers a reload. The version is a digest of every file of the client
// (`/version.json`); the one this page loaded is read at start, and read again after every
// reconnect, because an upgrade restarts the server and so always ends in one.

import { h } from './dom.js';
import { S } from './strings.js';

const read = () =>
  fetch('/version.json', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : null))
    .then((j) => (j && typeof j.version === 'string' ? j.version : null))
    .catch(() => null);

const loaded = read();
let offered = false;

/** Compares the server's version with the page's; shows the reload banner once when they differ. */
export async function checkVersion() {
  const [mine, now] = await Promise.all([loaded, read()]);
  if (offered || !mine || !now || mine === now) return;
  offered = true;
  const reload = h('button', { type: 'button', class: 'small', onclick: () => location.reload() },
    S.updateReload);
  const later = h('button', { type: 'button', class: 'small', 'aria-label': S.updateDismiss,
    onclick: () => banner.remove() }, '×');
  const banner = h('div', { id: 'update-banner', class: 'update-banner', role: 'status' },
    h('span', {}, S.updateAvailable), reload, later);
  document.body.prepend(banner);
}
