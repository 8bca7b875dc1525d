package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Search from the header: highlighted results, jumping to a message older than the loaded page,
 * 422, XSS.
 */
class WebSearchTest extends WebTestBase {
  Account alice;
  String room;

  @BeforeAll
  void aRoomWithHistory() {
    alice = api.register("seeker");
    room = api.createRoom(alice, "public");
    api.say(alice, room, "the zebracorn appears first");
    for (int i = 2; i <= 80; i++) {
      api.say(alice, room, "filler number " + i);
    }
    api.say(alice, room, "<img src=x onerror=alert(1)><script>alert(2)</script> xsstoken here");
  }

  static void search(Page page, String q) {
    page.locator("#search-input").fill(q);
    page.locator("#search-input").press("Enter");
  }

  @Test
  void resultsHighlightTheWordAndOpenTheMessageInContext() {
    Page page = signedIn(alice);
    assertThat(page.getByLabel("Search messages")).isVisible();
    search(page, "zebracorn");
    Locator hits = page.locator("#search-results .search-hit");
    assertThat(hits).hasCount(1);
    assertThat(hits.locator("mark")).hasText("zebracorn");
    assertThat(hits.locator(".search-snippet")).hasText("the zebracorn appears first");
    assertThat(hits.locator(".search-author")).hasText(alice.username());
    assertThat(hits.locator(".search-room")).containsText("# ");
    assertThat(hits.locator("time")).not().hasText("");
    hits.click();
    assertThat(page.locator("#search-panel")).isHidden();
    assertThat(page.locator("#sidebar [data-room-id='" + room + "']"))
        .hasAttribute("aria-current", "page");
    Locator target =
        messages(page)
            .filter(new Locator.FilterOptions().setHasText("the zebracorn appears first"));
    assertThat(target).hasCount(1);
    assertThat(target).isInViewport();
    assertThat(target).hasClass(Pattern.compile("flash"));
    // The newest page and the page around the hit are joined without a gap.
    assertThat(messages(page).filter(new Locator.FilterOptions().setHasText("filler number 30")))
        .hasCount(1);
    assertThat(messages(page).filter(new Locator.FilterOptions().setHasText("xsstoken")))
        .hasCount(1);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aQueryOfOnlyPunctuationShowsTheServersMessage() {
    Page page = signedIn(alice);
    search(page, "?!…");
    assertThat(page.locator("#search-status")).hasClass(Pattern.compile("error"));
    assertThat(page.locator("#search-status")).containsText("Cannot search for that");
    assertThat(page.locator("#search-results .search-hit")).hasCount(0);
  }

  @Test
  void noMatchesSaysSo() {
    Page page = signedIn(alice);
    search(page, "nothingmatchesthis");
    assertThat(page.locator("#search-status")).hasText("No messages found.");
    page.locator("#search-input").press("Escape");
    assertThat(page.locator("#search-panel")).isHidden();
  }

  @Test
  void markupInAFoundMessageIsShownAsText() {
    Page page = signedIn(alice);
    List<String> dialogs = new CopyOnWriteArrayList<>();
    page.onDialog(
        d -> {
          dialogs.add(d.message());
          d.dismiss();
        });
    search(page, "xsstoken");
    Locator hit = page.locator("#search-results .search-hit");
    assertThat(hit).hasCount(1);
    assertThat(hit.locator(".search-snippet")).containsText("<script>alert(2)</script> xsstoken");
    assertThat(hit.locator("mark")).hasText("xsstoken");
    assertThat(page.locator("#search-results img, #search-results script")).hasCount(0);
    hit.click();
    assertThat(messages(page).filter(new Locator.FilterOptions().setHasText("xsstoken")))
        .isInViewport();
    assertThat(page.locator("#messages img:not(.avatar), #messages script")).hasCount(0);
    // a dialog of the page's own, after everything above: any the markup opened came first
    page.evaluate("() => alert('probe')");
    assertThat(dialogs).containsExactly("probe");
  }

  @Test
  void searchFitsAPhoneScreen() {
    Page page = signedIn(alice, 375, 740);
    assertThat(page.locator("#search-input")).isVisible();
    search(page, "zebracorn");
    assertThat(page.locator("#search-results .search-hit")).hasCount(1);
    Object overflow =
        page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth");
    assertThat(overflow).isEqualTo(false);
    page.locator("#search-results .search-hit").click();
    assertThat(
            messages(page)
                .filter(new Locator.FilterOptions().setHasText("the zebracorn appears first")))
        .isInViewport();
  }
}
