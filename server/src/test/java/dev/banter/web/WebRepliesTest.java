package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replies in the browser (#21): the quoted parent is shown even when it is far back in the history
 * (fetched by id), a deleted parent says so, and the quote jumps to the parent and highlights it.
 */
class WebRepliesTest extends WebRoomTestBase {
  /** The message whose own body (not a quote of it) has the text. */
  private static Locator message(Page page, String text) {
    return messages(page)
        .filter(
            new Locator.FilterOptions()
                .setHas(page.locator(".body", new Page.LocatorOptions().setHasText(text))));
  }

  private static Locator.FilterOptions bodyIs(String regex) {
    return new Locator.FilterOptions().setHasText(Pattern.compile("^" + regex + "$"));
  }

  /** Everything is read: no "New messages" divider fetches older pages on opening. */
  private void readAll(Account who, String id) {
    long seq =
        Api.expect(api.get("/api/v1/rooms/" + id, who.accessToken()), 200)
            .json()
            .get("last_seq")
            .asLong();
    Api.expect(
        api.post("/api/v1/rooms/" + id + "/read", Map.of("seq", seq), who.accessToken()), 204);
  }

  private String reply(Account who, String parentId, String body) {
    return Api.expect(
            api.post(
                "/api/v1/rooms/" + room + "/messages",
                Map.of("body", body, "reply_to", parentId),
                who.accessToken()),
            201)
        .json()
        .get("id")
        .asText();
  }

  private void chatter(int n) {
    for (int i = 1; i <= n; i++) {
      api.say(bob, room, "chatter " + i);
    }
  }

  @Test
  void aReplyToAMessageFarBackShowsItsQuoteAndTheQuoteJumpsThere() {
    String parent = api.say(alice, room, "the original **question**").get("id").asText();
    chatter(220);
    reply(bob, parent, "my late answer");
    readAll(alice, room);
    Page a = open(alice);

    Locator quote = message(a, "my late answer").locator(".reply-quote");
    assertThat(quote).containsText(alice.user().get("display_name").asText());
    assertThat(quote.locator(".reply-snippet")).hasText("the original question");
    assertThat(message(a, "the original")).hasCount(0); // the parent is not on a loaded page

    quote.focus(); // a real button: the keyboard reaches it
    a.keyboard().press("Enter");

    Locator target = message(a, "the original question");
    assertThat(target).isInViewport();
    assertThat(target).hasClass(Pattern.compile("flash"));
    assertThat(target).isFocused();
    // no gap between it and the newest page
    assertThat(a.locator("#messages li.msg .body").filter(bodyIs("chatter 1"))).hasCount(1);
    assertThat(a.locator("#messages li.msg .body").filter(bodyIs("chatter \\d+"))).hasCount(220);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aDeletedParentShowsAsDeletedAndAParentDeletedLaterFollows() {
    String gone = api.say(alice, room, "regrettable words").get("id").asText();
    String later = api.say(alice, room, "to be deleted while you look").get("id").asText();
    chatter(80);
    Api.expect(api.delete("/api/v1/rooms/" + room + "/messages/" + gone, alice.accessToken()), 204);
    reply(bob, gone, "replying to the regret");
    reply(bob, later, "replying to the other");
    readAll(alice, room);
    Page a = open(alice);

    assertThat(message(a, "replying to the regret").locator(".reply-snippet"))
        .hasText("message deleted");
    Locator other = message(a, "replying to the other").locator(".reply-snippet");
    assertThat(other).hasText("to be deleted while you look");

    Api.expect(
        api.delete("/api/v1/rooms/" + room + "/messages/" + later, alice.accessToken()), 204);
    assertThat(other).hasText("message deleted");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aParentEditedLaterIsQuotedAsEdited() {
    String parent = api.say(alice, room, "first draft").get("id").asText();
    chatter(60);
    reply(bob, parent, "replying to the draft");
    Page b = open(bob); // bob wrote the last 61: nothing unread
    Locator quote = message(b, "replying to the draft").locator(".reply-snippet");
    assertThat(quote).hasText("first draft");

    Api.expect(
        api.patch(
            "/api/v1/rooms/" + room + "/messages/" + parent,
            Map.of("body", "final text"),
            alice.accessToken()),
        200);
    assertThat(quote).hasText("final text");
  }

  @Test
  void aReplyToAMessageOfTheLoadedPageJumpsWithoutFetching() {
    String parent = api.say(alice, room, "right above").get("id").asText();
    reply(bob, parent, "right below");
    Page a = open(alice);
    int[] fetched = {0};
    a.onRequest(
        r -> {
          if (r.url().contains("/messages/" + parent)) {
            fetched[0]++;
          }
        });
    Locator quote = message(a, "right below").locator(".reply-quote");
    assertThat(quote.locator(".reply-snippet")).hasText("right above");
    quote.click();
    assertThat(message(a, "right above")).hasClass(Pattern.compile("flash"));
    assertThat(fetched[0]).isZero();
  }
}
