package dev.banter.realtime;

import java.util.List;

/** The frames a client sends (SPEC §5). {@code ref} is echoed in the reply; it may be null. */
public sealed interface ClientFrame {
  String ref();

  record Auth(String ref, String token) implements ClientFrame {}

  record JoinRoom(String ref, String roomId, Long sinceSeq, Long sinceRev) implements ClientFrame {}

  record LeaveRoom(String ref, String roomId) implements ClientFrame {}

  record SendMessage(
      String ref,
      String roomId,
      String body,
      String clientId,
      String replyTo,
      String threadId,
      List<String> attachments)
      implements ClientFrame {}

  record EditMessage(String ref, String roomId, String messageId, String body)
      implements ClientFrame {}

  record DeleteMessage(String ref, String roomId, String messageId) implements ClientFrame {}

  record React(String ref, String roomId, String messageId, String emoji, boolean on)
      implements ClientFrame {}

  record Typing(String ref, String roomId, boolean active) implements ClientFrame {}

  record Read(String ref, String roomId, long seq) implements ClientFrame {}

  record Ping(String ref) implements ClientFrame {}
}
