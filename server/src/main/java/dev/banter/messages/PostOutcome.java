package dev.banter.messages;

/** What became of one post once the writer is done with it: stored, or refused. */
public sealed interface PostOutcome {
  /**
   * The stored message, and whether it is new ({@code created} false: a repeat of its client_id).
   */
  record Posted(Message message, boolean created) implements PostOutcome {}

  /**
   * Not stored: an {@code ApiError} when the author may not post there, else an unexpected failure.
   */
  record Refused(RuntimeException error) implements PostOutcome {}
}
