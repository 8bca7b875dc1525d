package dev.banter.messages;

import dev.banter.store.Dialect;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** The SQL of search: SQLite's FTS5 and PostgreSQL's tsvector over the same derived terms. */
final class Search {
  private static final String COLUMNS = """
      m.id, m.room_id, m.seq, m.author_id, u.username, u.display_name, u.avatar_url, m.body, m.reply_to,
      m.client_id, m.created_at, m.edited_at, m.deleted
      """;

  private Search() {}

  /** The engine's query text for {@code clauses}; every token is quoted, so no input is engine syntax. */
  static String engineQuery(Dialect dialect, List<SearchTerms.Clause> clauses) {
    return switch (dialect) {
      case SQLITE -> clauses.stream().map(c -> "\"" + String.join(" ", c.tokens()) + "\"" + (c.prefix() ? "*" : ""))
          .collect(Collectors.joining(" AND "));
      case POSTGRESQL -> clauses.stream().map(c -> c.tokens().stream().map(t -> "'" + t + "'")
              .collect(Collectors.joining(" <-> ")) + (c.prefix() ? ":*" : ""))
          .collect(Collectors.joining(" & "));
    };
  }

  /**
   * PostgreSQL cannot estimate how many rows a tsquery (above all a prefix) matches, so it may
   * walk the time index through the whole table for a rare word. Banter asks the GIN index first
   * for up to this many matches: if that is all of them, it sorts just those; if there are more,
   * the word is common and walking the time index finds the newest ones at once.
   */
  private static final int FEW_MATCHES = 5_000;

  /** Matches in the caller's rooms, newest first, strictly before {@code before} (epoch ms). */
  static List<Message> find(Handle h, Dialect dialect, String userId, String engineQuery, String roomId, long before,
      int limit) {
    List<String> few = null;
    if (dialect == Dialect.POSTGRESQL) {
      few = h.createQuery("""
          SELECT id FROM messages WHERE search_vector @@ to_tsquery('simple', :q) AND deleted = :no LIMIT :n
          """).bind("q", engineQuery).bind("no", false).bind("n", FEW_MATCHES + 1).mapTo(String.class).list();
      if (few.isEmpty()) {
        return List.of();
      }
      if (few.size() > FEW_MATCHES) {
        few = null;
      }
    }
    String source = switch (dialect) {
      case SQLITE -> "messages_fts f JOIN messages m ON m.rowid = f.rowid";
      case POSTGRESQL -> "messages m";
    };
    String match = switch (dialect) {
      case SQLITE -> "messages_fts MATCH :q";
      case POSTGRESQL -> few != null ? "m.id IN (<few>)" : "m.search_vector @@ to_tsquery('simple', :q)";
    };
    String sql = "SELECT " + COLUMNS + " FROM " + source
        + " JOIN room_members r ON r.room_id = m.room_id AND r.user_id = :user"
        + " JOIN users u ON u.id = m.author_id"
        + " WHERE " + match + " AND m.deleted = :no AND m.created_at < :before"
        + (roomId != null ? " AND m.room_id = :room" : "")
        + " ORDER BY " + switch (dialect) {
          // FTS5 walks its index in rowid order and stops at the limit; rowid is storage order, which is time order
          case SQLITE -> "f.rowid DESC";
          case POSTGRESQL -> "m.created_at DESC, m.seq DESC";
        } + " LIMIT :limit";
    var query = h.createQuery(sql).bind("user", userId).bind("no", false).bind("before", before).bind("limit", limit);
    if (few != null) {
      query.bindList("few", few);
    } else {
      query.bind("q", engineQuery);
    }
    if (roomId != null) {
      query.bind("room", roomId);
    }
    return query.map(Messages.MAPPER).list();
  }

  /** A window of the body around the first match, and where the matches are in it. */
  record Snippet(String text, List<int[]> highlights) {}

  static Snippet snippet(String body, List<String> terms) {
    String lower = body.toLowerCase(Locale.ROOT);
    boolean sameLength = lower.length() == body.length();
    int first = -1;
    for (String t : terms) {
      int at = lower.indexOf(t);
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    int start = first < 0 || !sameLength ? 0 : Math.max(0, first - 40);
    int end = Math.min(body.length(), start + 160);
    if (start > 0 && Character.isLowSurrogate(body.charAt(start))) {
      start--;
    }
    if (end < body.length() && Character.isLowSurrogate(body.charAt(end))) {
      end++;
    }
    String text = (start > 0 ? "…" : "") + body.substring(start, end) + (end < body.length() ? "…" : "");
    int shift = (start > 0 ? 1 : 0) - start;
    List<int[]> marks = new java.util.ArrayList<>();
    if (sameLength) {
      for (String t : terms) {
        for (int at = lower.indexOf(t, start); at >= 0 && at + t.length() <= end; at = lower.indexOf(t, at + t.length())) {
          marks.add(new int[] {at + shift, at + t.length() + shift});
        }
      }
      marks.sort(java.util.Comparator.comparingInt(m -> m[0]));
    }
    return new Snippet(text, marks);
  }
}
