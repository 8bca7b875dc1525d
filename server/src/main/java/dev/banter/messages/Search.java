package dev.banter.messages;

import dev.banter.store.Dialect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** The SQL of search: SQLite's FTS5 and PostgreSQL's tsvector over the same derived terms. */
final class Search {
  private static final String COLUMNS = Messages.COLUMNS;

  private Search() {}

  /**
   * The engine's query text for {@code clauses}; every token is quoted, so no input is engine
   * syntax.
   */
  static String engineQuery(Dialect dialect, List<SearchTerms.Clause> clauses) {
    return switch (dialect) {
      case SQLITE ->
          clauses.stream()
              .map(c -> "\"" + String.join(" ", c.tokens()) + "\"" + (c.prefix() ? "*" : ""))
              .collect(Collectors.joining(" AND "));
      case POSTGRESQL ->
          clauses.stream()
              .map(
                  c ->
                      c.tokens().stream()
                              .map(t -> "'" + t + "'")
                              .collect(Collectors.joining(" <-> "))
                          + (c.prefix() ? ":*" : ""))
              .collect(Collectors.joining(" & "));
    };
  }

  /**
   * PostgreSQL cannot estimate how many rows a tsquery (above all a prefix) matches, so whichever
   * plan it picks is slow for some words: walking the time index is slow for rare words, sorting
   * the index's matches is slow for common ones. Banter does both in turn: first the newest {@code
   * RECENT_WINDOW} messages are checked (enough for any word that is not rare), then, if that did
   * not fill the page, the GIN index's matches — few, since the word is rare — are sorted.
   */
  private static final int RECENT_WINDOW = 20_000;

  /**
   * A word with at most this many matches in all is rare: its matches are fetched by id and sorted.
   */
  private static final int FEW_MATCHES = 5_000;

  /** Matches in the caller's rooms, newest first, strictly before {@code before} (epoch ms). */
  static List<Message> find(
      Handle h,
      Dialect dialect,
      String userId,
      String engineQuery,
      String roomId,
      long before,
      int limit) {
    if (dialect == Dialect.SQLITE) {
      // FTS5 walks its index in rowid order and stops at the limit; rowid is storage order, which
      // is time order
      return run(
          h,
          "messages_fts f JOIN messages m ON m.rowid = f.rowid",
          "messages_fts MATCH :q",
          "f.rowid DESC",
          userId,
          engineQuery,
          roomId,
          before,
          limit);
    }
    String recent =
        "(SELECT * FROM messages WHERE created_at < :before"
            + (roomId != null ? " AND room_id = :room" : "")
            + " ORDER BY created_at DESC LIMIT "
            + RECENT_WINDOW
            + ") m";
    List<Message> found =
        run(
            h,
            recent,
            "m.search_vector @@ to_tsquery('simple', :q)",
            "m.created_at DESC, m.seq DESC",
            userId,
            engineQuery,
            roomId,
            before,
            limit);
    if (found.size() >= limit) {
      return found;
    }
    // Not in the recent window: a rare word. Its few matches come from the GIN index, then by
    // primary key.
    List<String> ids =
        h.createQuery(
                "SELECT id FROM messages WHERE search_vector @@ to_tsquery('simple', :q) LIMIT :n")
            .bind("q", engineQuery)
            .bind("n", FEW_MATCHES + 1)
            .mapTo(String.class)
            .list();
    if (ids.isEmpty()) {
      return List.of();
    }
    if (ids.size()
        > FEW_MATCHES) { // common, but not in the caller's recent rooms: let the planner do its
      // best
      return run(
          h,
          "messages m",
          "m.search_vector @@ to_tsquery('simple', :q)",
          "m.created_at DESC, m.seq DESC",
          userId,
          engineQuery,
          roomId,
          before,
          limit);
    }
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM messages m"
            + " JOIN room_members r ON r.room_id = m.room_id AND r.user_id = :user"
            + " JOIN users u ON u.id = m.author_id"
            + " WHERE m.id IN (<ids>) AND m.deleted = :no AND m.created_at < :before"
            + (roomId != null ? " AND m.room_id = :room" : "")
            + " ORDER BY m.created_at DESC, m.seq DESC LIMIT :limit";
    var query =
        h.createQuery(sql)
            .bindList("ids", ids)
            .bind("user", userId)
            .bind("no", false)
            .bind("before", before)
            .bind("limit", limit);
    if (roomId != null) {
      query.bind("room", roomId);
    }
    return query.map(Messages.MAPPER).list();
  }

  private static List<Message> run(
      Handle h,
      String source,
      String match,
      String order,
      String userId,
      String q,
      String roomId,
      long before,
      int limit) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM "
            + source
            + " JOIN room_members r ON r.room_id = m.room_id AND r.user_id = :user"
            + " JOIN users u ON u.id = m.author_id"
            + " WHERE "
            + match
            + " AND m.deleted = :no AND m.created_at < :before"
            + (roomId != null ? " AND m.room_id = :room" : "")
            + " ORDER BY "
            + order
            + " LIMIT :limit";
    var query =
        h.createQuery(sql)
            .bind("q", q)
            .bind("user", userId)
            .bind("no", false)
            .bind("before", before)
            .bind("limit", limit);
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
    String text =
        (start > 0 ? "…" : "") + body.substring(start, end) + (end < body.length() ? "…" : "");
    int shift = (start > 0 ? 1 : 0) - start;
    List<int[]> marks = new ArrayList<>();
    if (sameLength) {
      for (String t : terms) {
        for (int at = lower.indexOf(t, start);
            at >= 0 && at + t.length() <= end;
            at = lower.indexOf(t, at + t.length())) {
          marks.add(new int[] {at + shift, at + t.length() + shift});
        }
      }
      marks.sort(Comparator.comparingInt(m -> m[0]));
    }
    return new Snippet(text, marks);
  }
}
