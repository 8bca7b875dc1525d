package dev.banter.realtime;

/** The WebSocket close codes Banter uses (SPEC §5). */
enum CloseCode {
  NORMAL(1000, "normal"),
  GOING_AWAY(1001, "going_away"),
  TOO_BIG(1009, "too_big"),
  TRY_AGAIN_LATER(1013, "try_again_later"),
  UNAUTHORIZED(4001, "unauthorized"),
  FORBIDDEN(4003, "forbidden"),
  SLOW_CONSUMER(4008, "slow_consumer"),
  RATE_LIMITED(4029, "rate_limited"),
  IDLE(4000, "idle_timeout");

  final int code;
  final String reason;

  CloseCode(int code, String reason) {
    this.code = code;
    this.reason = reason;
  }
}
