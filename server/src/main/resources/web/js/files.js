// Files: uploads with progress (XMLHttpRequest, so the bar can follow the bytes sent), and
// authenticated downloads. Upload URLs need `Authorization: Bearer`, which an <img src> or a
// plain link cannot send, so files are fetched with the header and shown from blob: URLs.
// Tokens never go into a URL.

import { freshToken, refresh, ApiError } from './api.js';
import { formatNumber } from './dom.js';
import { S } from './strings.js';

/** "1.4 MB", "812 B" (the number in the page's language). */
export function humanSize(n) {
  const units = S.sizeUnits;
  let v = Number(n) || 0;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return S.fileSize(formatNumber(i === 0 ? v : Number(v.toFixed(v < 10 ? 1 : 0)), 1), units[i]);
}

/** Only this server's upload paths are ever fetched with the token. */
function uploadPath(url) {
  return typeof url === 'string' && /^\/api\/v1\/uploads\/[A-Za-z0-9_-]+(\/thumbnail)?$/.test(url) ? url : null;
}

function xhrUpload(file, token, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/uploads');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) onProgress(ev.loaded / ev.total);
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, text: xhr.responseText }));
    xhr.addEventListener('error', () => resolve({ status: 0, text: '' }));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', S.uploadCancelled)));
    if (signal) signal.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file, file.name || 'file');
    xhr.send(form);
  });
}

/**
 * Uploads one file; resolves to the Upload object (id, name, size, content_type, url, …).
 * onProgress gets a fraction 0..1. A 401 refreshes the session and tries once more.
 */
export async function uploadFile(file, onProgress = () => {}, signal = null) {
  let res = await xhrUpload(file, await freshToken(), onProgress, signal);
  if (res.status === 401 && (await refresh())) res = await xhrUpload(file, await freshToken(), onProgress, signal);
  let json = null;
  try { json = JSON.parse(res.text); } catch { json = null; }
  if (res.status >= 200 && res.status < 300 && json && json.id) return json;
  const err = (json && json.error) || {};
  if (res.status === 0) throw new ApiError(0, 'network', S.uploadNetwork);
  if (res.status === 413) throw new ApiError(413, err.code || 'payload_too_large', err.message || S.fileTooLarge);
  throw new ApiError(res.status, err.code, err.message || S.uploadFailed(res.status));
}

const blobCache = new Map(); // upload path -> Promise<object URL>

async function fetchBlob(path) {
  let res = await fetch(path, { headers: { Authorization: `Bearer ${await freshToken()}` } });
  if (res.status === 401 && (await refresh())) res = await fetch(path, { headers: { Authorization: `Bearer ${await freshToken()}` } });
  if (!res.ok) throw new ApiError(res.status, 'download_failed', S.fileLoadFailed(res.status));
  return res.blob();
}

/** An object URL for an upload (or its thumbnail), fetched once with the token and kept. */
export function blobUrl(url) {
  const path = uploadPath(url);
  if (!path) return Promise.reject(new ApiError(0, 'bad_url', S.notUploadUrl));
  let p = blobCache.get(path);
  if (!p) {
    p = fetchBlob(path).then((b) => URL.createObjectURL(b));
    p.catch(() => blobCache.delete(path));
    blobCache.set(path, p);
  }
  return p;
}

/** Downloads an upload under its name: fetch with the token, then click a temporary <a download>. */
export async function download(url, name) {
  const path = uploadPath(url);
  if (!path) return;
  const blob = await fetchBlob(path);
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name || 'download';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
}

/** Opens the full image in a new tab from a blob: URL (the tab gets no token). */
export async function openImage(url) {
  const w = window.open('', '_blank');
  try {
    const href = await blobUrl(url);
    if (w) w.location.href = href; else window.location.assign(href);
  } catch (e) {
    if (w) w.close();
    throw e;
  }
}
