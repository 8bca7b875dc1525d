package dev.banter.messages;

import dev.banter.auth.User;
import dev.banter.core.Times;
import dev.banter.events.ServerEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored message with its author and reactions; {@link #view()} is the SPEC §4 message object.
 * {@code rev} is its room's change counter at the message's latest change (SPEC §5.1); {@code
 * pinnedAt} and {@code pinnedBy} (a username) are null unless it is pinned (SPEC §8); {@code
 * threadId} names the root of the thread it replies in, {@code thread} is the summary of its own
 * thread (null unless it is a root with replies), {@code mentions} the members it names (SPEC §8).
 */
public record Message(
    String id,
    String roomId,
    long seq,
    long rev,
    String authorId,
    String authorUsername,
    String authorDisplayName,
    String authorAvatarUrl,
    String body,
    String replyTo,
    String clientId,
    long createdAt,
    Long editedAt,
    boolean deleted,
    Map<String, List<String>> reactions,
    List<Map<String, Object>> attachments,
    Long pinnedAt,
    String pinnedBy,
    String threadId,
    ThreadSummary thread,
    Mentions mentions) {

  public Message withReactions(Map<String, List<String>> r) {
    return new Message(
        id,
        roomId,
        seq,
        rev,
        authorId,
        authorUsername,
        authorDisplayName,
        authorAvatarUrl,
        body,
        replyTo,
        clientId,
        createdAt,
        editedAt,
        deleted,
        r,
        attachments,
        pinnedAt,
        pinnedBy,
        threadId,
        thread,
        mentions);
  }

  public Message withAttachments(List<Map<String, Object>> a) {
    return new Message(
        id,
        roomId,
        seq,
        rev,
        authorId,
        authorUsername,
        authorDisplayName,
        authorAvatarUrl,
        body,
        replyTo,
        clientId,
        createdAt,
        editedAt,
        deleted,
        reactions,
        a,
        pinnedAt,
        pinnedBy,
        threadId,
        thread,
        mentions);
  }

  /** The event announcing this message, new at its seq. */
  public ServerEvent.NewMessage posted() {
    return new ServerEvent.NewMessage(roomId, seq, rev, view(), createdAt);
  }

  /** Its whole state, for a client that missed changes of it (SPEC §5.1). */
  public ServerEvent.MessageUpdated updated() {
    return new ServerEvent.MessageUpdated(roomId, id, rev, view());
  }

  public Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("room_id", roomId);
    m.put("seq", seq);
    m.put("rev", rev);
    m.put("author", User.summary(authorId, authorUsername, authorDisplayName, authorAvatarUrl));
    m.put("body", deleted ? "" : body);
    m.put("reply_to", replyTo);
    m.put("client_id", clientId);
    m.put("created_at", Times.iso(createdAt));
    m.put("edited_at", Times.isoOrNull(editedAt));
    m.put("deleted", deleted);
    m.put("reactions", reactions);
    m.put("attachments", deleted ? List.of() : attachments);
    m.put("pinned_at", Times.isoOrNull(pinnedAt));
    m.put("pinned_by", pinnedAt == null ? null : pinnedBy);
    m.put("thread_id", threadId);
    m.put("thread", thread == null ? null : thread.view());
    m.put("mentions", deleted ? List.of() : mentions.names());
    m.put("mentions_room", !deleted && mentions.room());
    m.put("mentions_here", !deleted && mentions.here());
    return m;
  }
}
