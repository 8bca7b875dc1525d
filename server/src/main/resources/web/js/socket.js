// The WebSocket connection: authenticate with the first frame, reconnect with exponential
// backoff and jitter, notice dead connections, and report the state (connected /
// reconnecting / offline). Rooms, resume and the outbox are the caller's (chat.js) job.

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30000;

export class Socket {
  /**
   * @param getToken async () => access token or null (null: the session ended, stop)
   * @param handlers {onReady(ready), onFrame(frame), onStatus(state), onUnauthorized()}
   */
  constructor(getToken, handlers) {
    this.getToken = getToken;
    this.h = handlers;
    this.ws = null;
    this.open = false; // authenticated and ready
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastFrameAt = 0;
    this.stopped = true;
    this.state = 'connecting';
    this.refs = 0;
    this.onOffline = () => { this.setState('offline'); this.drop(); };
    this.onOnline = () => { this.attempt = 0; this.reconnectNow(); };
  }

  start() {
    this.stopped = false;
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    this.drop();
  }

  nextRef() {
    this.refs += 1;
    return `r${this.refs}`;
  }

  /** Sends a frame when the connection is ready; returns false otherwise (the caller queues). */
  send(frame) {
    if (!this.open || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Hands the open connection a fresh access token (after a refresh): the server closes a socket
   * 4001 when the token it holds expires. Not open: the next connect authenticates anyway.
   */
  reauth(token) {
    if (token) this.send({ type: 'auth', token, ref: this.nextRef() });
  }

  setState(s) {
    if (this.state === s) return;
    this.state = s;
    this.h.onStatus(s);
  }

  async connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped || this.ws) return;
    if (!navigator.onLine) {
      this.setState('offline');
      return;
    }
    let token;
    try {
      token = await this.getToken();
    } catch {
      this.scheduleRetry();
      return;
    }
    if (!token || this.stopped || this.ws) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (ev) => this.receive(ws, ev.data);
    ws.onclose = (ev) => this.closed(ws, ev.code);
    ws.onerror = () => {}; // onclose follows
  }

  receive(ws, data) {
    if (ws !== this.ws) return;
    this.lastFrameAt = Date.now();
    let frame;
    try { frame = JSON.parse(data); } catch { return; }
    if (frame.type === 'ready') {
      this.open = true;
      this.attempt = 0;
      this.setState('connected');
      this.startPings(frame.heartbeat_ms || 25000);
      this.h.onReady(frame);
      return;
    }
    if (frame.type === 'pong' || frame.type === 'authenticated') return;
    this.h.onFrame(frame);
  }

  startPings(heartbeatMs) {
    clearInterval(this.pingTimer);
    const every = Math.max(1000, heartbeatMs);
    this.pingTimer = setInterval(() => {
      // Nothing heard for two intervals and a ping: the connection is dead even if TCP has not noticed.
      if (Date.now() - this.lastFrameAt > every * 2 + 5000) {
        this.drop();
        this.scheduleRetry();
        return;
      }
      this.send({ type: 'ping' });
    }, every);
  }

  closed(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.open = false;
    clearInterval(this.pingTimer);
    if (this.stopped) return;
    if (code === 4001) this.h.onUnauthorized();
    this.scheduleRetry();
  }

  /** Closes the current connection without scheduling anything. */
  drop() {
    const ws = this.ws;
    this.ws = null;
    this.open = false;
    clearInterval(this.pingTimer);
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try { ws.close(1000); } catch { /* already closed */ }
    }
  }

  scheduleRetry() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (!navigator.onLine) {
      this.setState('offline');
      return;
    }
    this.setState('reconnecting');
    const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = exp / 2 + Math.random() * (exp / 2); // "equal jitter": never 0, never over the cap
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped) return;
    this.drop();
    this.setState('reconnecting');
    this.connect();
  }
}
