package dev.banter.tools;

/**
 * A sub-command will not go on, before it has changed anything: bad input, or a source or target it
 * must not touch. Its message says why in one line; the command exits with code 2.
 */
final class Refusal extends RuntimeException {
  Refusal(String message) {
    super(message);
  }

  Refusal(String message, Throwable cause) {
    super(message, cause);
  }
}
