package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import dev.banter.support.Api.Reply;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Full-text search on both databases: prefixes, phrases, short terms, CJK, access, edits and
 * deletes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SearchApiContract {
  TestServer server;
  Api api;
  Account alice;
  Account bob;
  String room;
  String secret;

  abstract Backend backend();

  @BeforeAll
  void start() {
    server = TestServer.start(backend());
    api = server.api();
    alice = api.register("alice");
    bob = api.register("bob");
    room = api.createRoom(alice, "public");
    api.invite(alice, room, bob);
    secret = api.createRoom(bob, "private");
    api.say(alice, room, "Hello world, the quarterly report is ready");
    api.say(bob, room, "let's go to the park at 5");
    api.say(alice, room, "我爱北京天安门");
    api.say(alice, room, "東京タワーに行きました");
    api.say(bob, room, "내일 서울에서 만나요");
    api.say(bob, secret, "the quarterly report draft is secret");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Reply search(Account who, String q, String extra) {
    return api.get(
        "/api/v1/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + extra,
        who.accessToken());
  }

  private List<String> bodies(Account who, String q) {
    Reply r = search(who, q, "");
    assertThat(r.status()).as(q + " " + r.json()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().get("results").forEach(x -> out.add(x.at("/message/body").asText()));
    return out;
  }

  @Test
  void wordsMatchByPrefixAndPhrasesInOrder() {
    assertThat(bodies(alice, "hel")).containsExactly("Hello world, the quarterly report is ready");
    assertThat(bodies(alice, "WORLD quart")).hasSize(1);
    assertThat(bodies(alice, "\"hello world\"")).hasSize(1);
    assertThat(bodies(alice, "\"world hello\"")).isEmpty();
    assertThat(bodies(alice, "report nonexistentword")).isEmpty();
  }

  @Test
  void twoLetterTermsAndNumbersAreFound() {
    assertThat(bodies(alice, "go")).containsExactly("let's go to the park at 5");
    assertThat(bodies(alice, "5")).containsExactly("let's go to the park at 5");
  }

  @Test
  void chineseJapaneseAndKoreanWordsAreFoundInsideSentences() {
    assertThat(bodies(alice, "北京")).containsExactly("我爱北京天安门");
    assertThat(bodies(alice, "天安门")).containsExactly("我爱北京天安门");
    assertThat(bodies(alice, "门")).containsExactly("我爱北京天安门");
    assertThat(bodies(alice, "東京")).containsExactly("東京タワーに行きました");
    assertThat(bodies(alice, "タワー")).containsExactly("東京タワーに行きました");
    assertThat(bodies(alice, "서울")).containsExactly("내일 서울에서 만나요");
    assertThat(bodies(alice, "北安")).isEmpty();
  }

  @Test
  void onlyRoomsTheCallerBelongsToAreSearched() {
    assertThat(bodies(alice, "quarterly"))
        .containsExactly("Hello world, the quarterly report is ready");
    assertThat(bodies(bob, "quarterly")).hasSize(2);
    assertThat(search(bob, "quarterly", "&room_id=" + room).json().get("results")).hasSize(1);
    Reply foreign = search(alice, "quarterly", "&room_id=" + secret);
    assertThat(foreign.status()).isEqualTo(403);
  }

  @Test
  void editsAndDeletesKeepTheIndexInStep() {
    String id = api.say(alice, room, "the zebra crossing").get("id").asText();
    assertThat(bodies(alice, "zebra")).hasSize(1);
    api.patch(
        "/api/v1/rooms/" + room + "/messages/" + id,
        Map.of("body", "the giraffe crossing"),
        alice.accessToken());
    assertThat(bodies(alice, "zebra")).isEmpty();
    assertThat(bodies(alice, "giraffe")).hasSize(1);
    api.delete("/api/v1/rooms/" + room + "/messages/" + id, alice.accessToken());
    assertThat(bodies(alice, "giraffe")).isEmpty();
    assertThat(bodies(alice, "crossing")).isEmpty();
  }

  @Test
  void resultsAreNewestFirstWithAHighlightedSnippetAndPages() {
    for (int i = 0; i < 5; i++) {
      api.say(alice, room, "pagination sample number " + i);
    }
    Reply first = search(alice, "pagination", "&limit=3");
    JsonNode results = first.json().get("results");
    assertThat(results).hasSize(3);
    assertThat(first.json().get("has_more").asBoolean()).isTrue();
    assertThat(results.get(0).at("/message/body").asText()).endsWith("4");
    JsonNode hit = results.get(0);
    String snippet = hit.get("snippet").asText();
    JsonNode mark = hit.get("highlights").get(0);
    assertThat(snippet.substring(mark.get(0).asInt(), mark.get(1).asInt()))
        .isEqualToIgnoringCase("pagination");
    String before = results.get(2).at("/message/created_at").asText();
    Reply next = search(alice, "pagination", "&limit=3&before=" + before);
    assertThat(next.json().get("results")).hasSize(2);
    assertThat(next.json().get("has_more").asBoolean()).isFalse();
  }

  @Test
  void queriesTheEngineWouldChokeOnAreClearErrorsNever500() {
    for (String q :
        new String[] {
          "\"",
          "\"\"",
          "***",
          "AND",
          "OR NOT",
          "(",
          ")",
          "NEAR(a b)",
          "a:b",
          "^x",
          "-x",
          "col:*",
          "' OR 1=1 --",
          "&|!",
          "x\"y",
          "\\",
          "%_",
          "🙂"
        }) {
      Reply r = search(alice, q, "");
      assertThat(r.status()).as(q + " " + r.json()).isIn(200, 422);
      if (r.status() == 422) {
        assertThat(r.errorField()).isEqualTo("q");
      }
    }
    assertThat(search(alice, "   ", "").status()).isEqualTo(422);
    assertThat(search(alice, "x".repeat(300), "").status()).isEqualTo(422);
    assertThat(api.get("/api/v1/search", alice.accessToken()).status()).isEqualTo(400);
    assertThat(search(alice, "hello", "&before=yesterday").status()).isEqualTo(400);
    assertThat(search(alice, "hello", "&limit=0").status()).isEqualTo(422);
    assertThat(api.get("/api/v1/search?q=hello", null).status()).isEqualTo(401);
  }
}
