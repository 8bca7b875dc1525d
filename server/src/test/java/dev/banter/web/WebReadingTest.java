package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Reading state in the browser (#21): the "New messages" divider where I left off, "seen by" under
 * my latest message (live and after a reload), and the unread count in the tab title.
 */
class WebReadingTest extends WebRoomTestBase {
  private static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  private static String name(Account a) {
    return a.user().get("display_name").asText();
  }

  private void read(Account who, String roomId, long seq) {
    Api.expect(
        api.post("/api/v1/rooms/" + roomId + "/read", Map.of("seq", seq), who.accessToken()), 204);
  }

  private long myMarker(Account who, String roomId) {
    return Api.expect(api.get("/api/v1/rooms/" + roomId, who.accessToken()), 200)
        .json()
        .get("last_read_seq")
        .asLong();
  }

  /** The element right after the divider in the list. */
  private static Locator afterDivider(Page page) {
    return page.locator("#messages .unread-divider + li.msg");
  }

  @Test
  void theDividerIsAtTheFirstMessagePostedWhileIWasAwayAndStaysWhileIRead() {
    for (int i = 1; i <= 3; i++) {
      api.say(alice, room, "mine " + i); // posting moves my read marker
    }
    for (int i = 1; i <= 4; i++) {
      api.say(bob, room, "while you were away " + i);
    }
    Page a = open(alice);

    Locator divider = a.locator("#messages .unread-divider");
    assertThat(divider).hasCount(1);
    assertThat(divider).hasText("New messages");
    // a plain list item: a role=separator may not sit directly in the <ol> (axe "list" rule)
    assertThat(divider).not().hasAttribute("role", "separator");
    assertThat(divider).isInViewport();
    assertThat(afterDivider(a)).containsText("while you were away 1");
    assertThat(afterDivider(a).locator(".msg-head")).hasCount(1); // not grouped under mine
    // reading it all (the view shows the end) moves my marker, not the divider
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> myMarker(alice, room) == 7);
    api.say(bob, room, "and one more, live");
    assertThat(message(a, "and one more, live")).isVisible();
    assertThat(divider).hasCount(1);
    assertThat(afterDivider(a)).containsText("while you were away 1");

    openRoom(a, "general");
    openRoom(a, room);
    assertThat(message(a, "and one more, live")).isVisible();
    assertThat(a.locator("#messages .unread-divider")).hasCount(0); // nothing was unread now
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aRoomWithNothingNewHasNoDivider() {
    api.say(bob, room, "old news");
    read(alice, room, 1);
    api.say(alice, room, "my answer");
    Page a = open(alice);
    assertThat(message(a, "my answer")).isVisible();
    assertThat(a.locator("#messages .unread-divider")).hasCount(0);
  }

  @Test
  void aFirstUnreadOlderThanTheFirstPageIsFetchedAndScrolledTo() {
    api.say(alice, room, "where I left off");
    for (int i = 1; i <= 130; i++) {
      api.say(bob, room, "backlog " + i);
    }
    Page a = open(alice);

    assertThat(afterDivider(a)).containsText("backlog 1");
    assertThat(a.locator("#messages .unread-divider")).isInViewport();
    assertThat(message(a, "where I left off")).hasCount(1); // the pages before it were fetched
    assertThat(message(a, "backlog 130")).not().isInViewport();
    // not at the end: the unread below the divider are not marked read
    assertThat(myMarker(alice, room)).isEqualTo(1);
    a.locator("#scroller").evaluate("s => { s.scrollTop = s.scrollHeight; }");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> myMarker(alice, room) == 131);
    assertThat(a.locator("#messages .unread-divider")).hasCount(1);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void seenByAppearsLiveWhenTheOtherReadsAndAfterAReload() {
    api.say(bob, room, "are you there?");
    Page a = open(alice);
    a.locator("#input").fill("did you see this?");
    a.locator("#input").press("Enter");
    Locator mine = message(a, "did you see this?");
    assertThat(mine).isVisible();
    Locator seen = a.locator("#messages .seen-by");
    assertThat(seen).hasCount(0); // nobody has read it yet

    Page b = open(bob); // bob's page shows the end of the room: it is read
    assertThat(message(b, "did you see this?")).isVisible();
    assertThat(seen.locator(".seen-text")).hasText("Seen by " + name(bob));
    assertThat(a.locator("#messages .msg:has-text('did you see this?') + .seen-by")).hasCount(1);

    a.reload();
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(a.locator("#messages .seen-by .seen-text")).hasText("Seen by " + name(bob));
    assertThat(a.locator("#messages .seen-by .avatar")).hasCount(1);

    // only my latest message carries it; bob's page is closed first, or it reads the new one
    // at once and "seen by" never leaves
    b.context().close();
    a.locator("#input").fill("a newer one");
    a.locator("#input").press("Enter");
    assertThat(message(a, "a newer one")).isVisible();
    assertThat(a.locator("#messages .seen-by")).hasCount(0);
    Page b2 = open(bob);
    assertThat(message(b2, "a newer one")).isVisible();
    assertThat(a.locator("#messages .seen-by .seen-text")).hasText("Seen by " + name(bob));
    assertThat(a.locator("#messages .msg:has-text('a newer one') + .seen-by")).hasCount(1);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void seenByNamesThreeReadersAndCountsTheRest() {
    long seq = api.say(alice, room, "big announcement").get("seq").asLong();
    List<Account> readers = new ArrayList<>(List.of(bob));
    for (int i = 0; i < 4; i++) {
      Account r = api.register("reader");
      api.invite(alice, room, r);
      readers.add(r);
    }
    readers.forEach(r -> read(r, room, seq));

    Page a = open(alice);
    Locator seen = a.locator("#messages .seen-by");
    assertThat(seen.locator(".seen-text"))
        .hasText(Pattern.compile("^Seen by [^,]+, [^,]+, [^,]+ \\+2$"));
    assertThat(seen.locator(".avatar")).hasCount(3);
    assertThat(seen).hasAttribute("title", Pattern.compile("^Seen by (.+, ){4}.+$"));

    api.say(bob, room, "newer, from bob"); // a receipt beyond my message still counts
    Account late = api.register("late");
    api.invite(alice, room, late); // joined after it: marker at the room's end already
    assertThat(seen.locator(".seen-text")).hasText(Pattern.compile("\\+2$"));
  }

  @Test
  void theTitleCountsUnreadDirectMessagesAfterAReloadAndFollowsReadsInAnotherTab() {
    String dm =
        api.post("/api/v1/dms", Map.of("username", alice.username()), bob.accessToken())
            .json()
            .get("id")
            .asText();
    for (int i = 1; i <= 3; i++) {
      api.say(bob, dm, "dm " + i);
    }
    Page a = signedIn(alice);
    openRoom(a, "general");
    assertThat(a).hasTitle("(3) Banter"); // from the server's unread_count
    assertThat(a.locator("#sidebar [data-room-id='" + dm + "'] .badge")).hasText("3");

    read(alice, dm, 1); // another tab of mine read the first
    assertThat(a).hasTitle("(2) Banter");
    assertThat(a.locator("#sidebar [data-room-id='" + dm + "'] .badge")).hasText("2");
    read(alice, dm, 3);
    assertThat(a).hasTitle("Banter");
    assertThat(a.locator("#sidebar [data-room-id='" + dm + "'] .badge")).hasCount(0);
    assertThat(pageErrors).isEmpty();
  }
}
