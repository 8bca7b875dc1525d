package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import dev.banter.support.Api.Account;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Threads in the browser (SPEC §8): a thread panel beside the timeline, opened from a message's
 * "Reply in thread" or a root's "N replies"; replies live in the panel, not the timeline; the
 * followed-threads list counts unread replies and opening a thread marks it read.
 */
class WebThreadsTest extends WebRoomTestBase {
  private static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  private static Locator inThread(Page page) {
    return page.locator("#thread-messages li.msg:not(.pending)");
  }

  private static Locator inThread(Page page, String text) {
    return inThread(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  private JsonNode reply(Account who, String rootId, String body) {
    var r =
        api.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", body, "thread_id", rootId),
            who.accessToken());
    assertThat(r.status()).as("reply in thread: %s", r.json()).isEqualTo(201);
    return r.json();
  }

  @Test
  void twoPeopleHoldAThreadedConversationBesideTheRoom() {
    api.say(alice, room, "shall we ship on friday?");
    Page a = open(alice);
    Page b = open(bob);

    Locator rootOnB = message(b, "shall we ship on friday?");
    rootOnB.hover();
    rootOnB.getByLabel("Reply in thread").click();
    assertThat(b.locator("#thread-panel")).isVisible();
    assertThat(inThread(b)).hasCount(1); // the root
    assertThat(b.locator("#thread-status")).hasText("No replies yet.");
    assertThat(b.locator("#thread-input")).isFocused();
    b.locator("#thread-input").fill("yes, after the review");
    b.locator("#thread-input").press("Enter");
    assertThat(inThread(b, "yes, after the review")).hasCount(1);

    // alice's timeline shows the root with its summary, not the reply
    Locator rootOnA = message(a, "shall we ship on friday?");
    assertThat(rootOnA.locator(".thread-summary .thread-count")).hasText("1 reply");
    assertThat(rootOnA.locator(".thread-person")).hasText(new String[] {bob.username()});
    assertThat(message(a, "yes, after the review")).hasCount(0);
    assertThat(messages(a)).hasCount(1);

    rootOnA.locator(".thread-summary").click();
    assertThat(inThread(a, "yes, after the review")).hasCount(1);
    a.locator("#thread-input").fill("great, I'll tag it");
    a.locator("#thread-input").press("Enter");

    assertThat(inThread(b).locator(".body"))
        .hasText(
            new String[] {
              "shall we ship on friday?", "yes, after the review", "great, I'll tag it"
            });
    assertThat(rootOnB.locator(".thread-count")).hasText("2 replies");
    assertThat(rootOnB.locator(".thread-person"))
        .hasText(new String[] {alice.username(), bob.username()});
    assertThat(message(b, "great, I'll tag it")).hasCount(0);
    // a reply cannot start a thread of its own
    assertThat(b.locator("#thread-messages [aria-label='Reply in thread']")).hasCount(0);
    b.locator("#thread-close").click();
    assertThat(b.locator("#thread-panel")).isHidden();
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void afterAReloadTheTimelineShowsRootsOnlyAndThePanelLoadsTheRepliesInOrder() {
    String root = api.say(bob, room, "which database?").get("id").asText();
    reply(alice, root, "postgres");
    api.say(bob, room, "unrelated message");
    reply(bob, root, "sqlite for tests");
    Page a = open(alice);

    assertThat(messages(a).locator(".body"))
        .hasText(new String[] {"which database?", "unrelated message"});
    Locator summary = message(a, "which database?").locator(".thread-summary");
    assertThat(summary.locator(".thread-count")).hasText("2 replies");
    assertThat(summary.locator(".thread-last")).containsText("last reply");
    summary.click();

    assertThat(inThread(a).locator(".body"))
        .hasText(new String[] {"which database?", "postgres", "sqlite for tests"});
    assertThat(a.locator("#thread-room")).containsText("# ");
  }

  @Test
  void editingAndDeletingAReplyWorkInThePanel() {
    String root = api.say(alice, room, "release notes").get("id").asText();
    reply(alice, root, "draft one");
    Page a = open(alice);
    Page b = open(bob);
    message(b, "release notes").locator(".thread-summary").click();
    message(a, "release notes").locator(".thread-summary").click();

    Locator draft = inThread(a, "draft one");
    draft.hover();
    draft.getByLabel("Edit").click();
    assertThat(a.locator("#thread-input")).hasValue("draft one");
    a.locator("#thread-input").fill("final notes");
    a.locator("#thread-input").press("Enter");
    assertThat(inThread(b, "final notes").locator(".edited")).hasText("(edited)");
    assertThat(a.locator("#input")).hasValue(""); // the room's composer was not used

    Locator fin = inThread(a, "final notes");
    fin.hover();
    fin.getByLabel("Delete").click();
    a.locator("dialog .danger").click();
    assertThat(b.locator("#thread-messages li.msg.deleted .tombstone")).hasText("message deleted");
  }

  @Test
  void theThreadsListCountsUnreadRepliesAndOpeningOneMarksItRead() {
    String root = api.say(alice, room, "who takes the on-call shift?").get("id").asText();
    Page a = signedIn(alice);
    openRoom(a, "general");
    reply(bob, root, "I can do monday");
    reply(bob, root, "and tuesday");

    Locator threadsButton = a.locator("#btn-threads");
    assertThat(threadsButton.locator(".badge")).hasText("1");
    threadsButton.click();
    Locator entry = a.locator("#threads-list .thread-hit");
    assertThat(entry).hasCount(1);
    assertThat(entry.locator(".thread-snippet")).hasText("who takes the on-call shift?");
    assertThat(entry.locator(".badge")).hasText("2");
    assertThat(entry.locator(".thread-replies")).hasText("2 replies");

    Response read =
        a.waitForResponse(r -> r.url().endsWith("/api/v1/threads/" + root + "/read"), entry::click);
    assertThat(read.status()).isEqualTo(204);
    assertThat(a.locator("#sidebar [data-room-id='" + room + "']"))
        .hasAttribute("aria-current", "page");
    assertThat(inThread(a).locator(".body"))
        .hasText(new String[] {"who takes the on-call shift?", "I can do monday", "and tuesday"});
    assertThat(threadsButton.locator(".badge")).isHidden();

    JsonNode threads = api.get("/api/v1/threads", alice.accessToken()).json().get("threads");
    assertThat(threads.get(0).get("unread_count").asInt()).isZero();
    a.reload();
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(threadsButton.locator(".badge")).isHidden();
  }

  @Test
  void aRoomsLiveUnreadBadgeCountsThreadRepliesAsTheServerDoes() {
    String root = api.say(alice, room, "lunch plans").get("id").asText();
    Page a = signedIn(alice);
    openRoom(a, "general");
    reply(bob, root, "pizza");
    api.say(bob, room, "a top-level message");

    Locator badge = a.locator("#sidebar [data-room-id='" + room + "'] .badge:not(.mention-badge)");
    assertThat(badge).hasText("2");
    a.reload();
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(badge).hasText("2");
  }

  @Test
  void aSearchHitThatIsAThreadReplyOpensItInItsThread() {
    String root = api.say(alice, room, "the deploy checklist").get("id").asText();
    reply(bob, root, "remember the flamingo migration");
    Page a = signedIn(alice);
    a.locator("#search-input").fill("flamingo");
    a.locator("#search-input").press("Enter");
    a.locator("#search-results .search-hit").click();

    assertThat(a.locator("#thread-panel")).isVisible();
    Locator hit = inThread(a, "remember the flamingo migration");
    assertThat(hit).hasClass(Pattern.compile("flash"));
    assertThat(hit).isInViewport();
    assertThat(message(a, "remember the flamingo migration")).hasCount(0);
  }
}
