package dev.banter.messages;

import dev.banter.core.Times;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A thread root's summary (SPEC §8): its replies that are not deleted, when the newest was posted,
 * and up to {@link #MAX_PARTICIPANTS} usernames of their authors, most recent first.
 */
public record ThreadSummary(int replyCount, Long lastReplyAt, List<String> participants) {
  public static final int MAX_PARTICIPANTS = 5;

  public ThreadSummary {
    participants = List.copyOf(participants);
  }

  /** The stored form: null when the message has no replies. */
  static ThreadSummary of(int replyCount, Long lastReplyAt, String participants) {
    if (replyCount == 0 && lastReplyAt == null) {
      return null;
    }
    return new ThreadSummary(
        replyCount,
        lastReplyAt,
        participants == null || participants.isEmpty()
            ? List.of()
            : List.of(participants.split(" ")));
  }

  /** Null when the thread has no replies left (all deleted). */
  Map<String, Object> view() {
    if (replyCount == 0) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reply_count", replyCount);
    m.put("last_reply_at", Times.isoOrNull(lastReplyAt));
    m.put("participants", participants);
    return m;
  }
}
