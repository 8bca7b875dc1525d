package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A room with 120 messages: history pages in as the reader scrolls up; new messages do not yank the
 * view.
 */
class WebScrollTest extends WebTestBase {
  Account alice;
  String room;

  @BeforeAll
  void aLongRoom() {
    alice = api.register("talker");
    room = api.createRoom(alice, "public");
    for (int i = 1; i <= 120; i++) {
      api.say(alice, room, "msg " + i);
    }
  }

  Page reader() {
    Account bob = api.register("reader");
    api.post("/api/v1/rooms/" + room + "/join", Map.of(), bob.accessToken());
    Page page = signedIn(bob);
    openRoom(page, room);
    assertThat(exact(page, "msg 120")).isVisible();
    return page;
  }

  static Locator exact(Page page, String body) {
    return page.locator("#messages li.msg .body")
        .filter(new Locator.FilterOptions().setHasText(Pattern.compile("^" + body + "$")));
  }

  @Test
  void scrollingUpLoadsOlderMessagesAndKeepsThePlace() {
    Page page = reader();
    assertThat(messages(page)).hasCount(50);
    page.locator("#scroller").evaluate("e => e.scrollTop = 0");
    assertThat(messages(page)).hasCount(100);
    // The message that was on top is still where the reader left it, not pushed off screen.
    Object top =
        exact(page, "msg 71")
            .evaluate(
                "e => { const s = document.getElementById('scroller').getBoundingClientRect();"
                    + " const r = e.getBoundingClientRect(); return r.top >= s.top - 5 && r.bottom <= s.bottom + 5; }");
    assertThat(top).isEqualTo(true);
    page.locator("#scroller").evaluate("e => e.scrollTop = 0");
    assertThat(page.locator("#history-status")).hasText("This is the beginning of the room.");
    assertThat(exact(page, "msg 1")).hasCount(1);
  }

  @Test
  void aMessageArrivingWhileScrolledUpShowsAPillInsteadOfScrolling() {
    Page page = reader();
    Locator pill = page.locator("#pill");
    page.locator("#scroller").evaluate("e => e.scrollTop = 250");
    api.say(alice, room, "fresh news");
    assertThat(exact(page, "fresh news")).hasCount(1);
    assertThat(pill).isVisible();
    assertThat(page.locator("#scroller").evaluate("e => e.scrollTop")).isEqualTo(250);
    pill.click();
    assertThat(pill).isHidden();
    assertThat(exact(page, "fresh news")).isInViewport();
  }

  @Test
  void atTheBottomNewMessagesAreFollowed() {
    Page page = reader();
    api.say(alice, room, "follow me");
    assertThat(exact(page, "follow me")).isInViewport();
    assertThat(page.locator("#pill")).isHidden();
  }
}
