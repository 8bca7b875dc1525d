package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Phone layout (#21, item 11) at 375×740 with touch and a mobile viewport: the room list, a room,
 * the members, thread, pins, search and followed-threads panels, room settings, the profile dialog,
 * the notification menu, the quick switcher and the emoji pickers are each reached by a tap on a
 * visible control and closed again by one; on every screen nothing scrolls sideways ({@code
 * scrollWidth <= innerWidth}) and every visible control that is not covered (buttons, links,
 * inputs, selects, {@code [role=button]}, focusable {@code [tabindex]}) is at least 44×44 CSS px.
 * Exceptions: links inside a message's text (inline, the size of the text, as WCAG 2.5.8 allows)
 * and a radio or checkbox, whose target is the whole label around it.
 */
class WebPhoneTest extends WebRoomTestBase {
  private static final int WIDTH = 375;
  private static final int HEIGHT = 740;

  /**
   * The visible, uncovered interactive elements smaller than 44×44, as "name w×h" (measured in the
   * page: elementFromPoint at the centre must hit the element, so what lies under a panel or a
   * modal is skipped, and so are controls scrolled out of view).
   */
  private static final String SMALL_TARGETS =
      """
      () => {
        const sel = 'button, a[href], input:not([type=hidden]), select, textarea, [role=button],'
          + ' [tabindex]:not([tabindex="-1"])';
        const out = [];
        const seen = new Set();
        for (const el of document.querySelectorAll(sel)) {
          if (el.matches('.body a')) continue; // inline links in message text
          if (el.disabled) continue;
          const t = (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) || el;
          if (seen.has(t)) continue;
          seen.add(t);
          const r = t.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
          if (cx < 0 || cy < 0 || cx >= innerWidth || cy >= innerHeight) continue;
          const hit = document.elementFromPoint(cx, cy);
          if (!hit || !(t.contains(hit) || hit.contains(t))) continue;
          let transparent = false;
          for (let p = t; p; p = p.parentElement) {
            if (getComputedStyle(p).opacity === '0') { transparent = true; break; }
          }
          if (transparent) continue;
          if (r.width < 43.5 || r.height < 43.5) {
            const name = t.id || t.getAttribute('aria-label') || (t.textContent || '').trim().slice(0, 30)
              || t.getAttribute('placeholder') || t.className;
            out.push(`${t.tagName.toLowerCase()}.${t.className} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
          }
        }
        return out;
      }
      """;

  private final List<String> problems = new ArrayList<>();

  @BeforeEach
  void noProblemsYet() {
    problems.clear();
  }

  private Page phone(Account who) {
    Browser.NewContextOptions o =
        new Browser.NewContextOptions()
            .setViewportSize(WIDTH, HEIGHT)
            .setHasTouch(true)
            .setIsMobile(true)
            .setDeviceScaleFactor(2);
    return signedIn(who, newContext(o));
  }

  /** No sideways scroll, and every target of what is on screen at least 44×44. */
  private void check(Page page, String screen) {
    Number scrollWidth = (Number) page.evaluate("() => document.documentElement.scrollWidth");
    Number inner = (Number) page.evaluate("() => innerWidth");
    if (scrollWidth.intValue() > inner.intValue()) {
      problems.add(screen + ": scrolls sideways, scrollWidth " + scrollWidth + " > " + inner);
    }
    @SuppressWarnings("unchecked")
    List<String> small = (List<String>) page.evaluate(SMALL_TARGETS);
    for (String s : small) {
      problems.add(screen + ": " + s);
    }
  }

  private void assertNoProblems() {
    assertThat(problems).as("on a %d px phone:\n%s", WIDTH, String.join("\n", problems)).isEmpty();
    assertThat(pageErrors).isEmpty();
  }

  private static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  private void openRoomOnPhone(Page page) {
    page.locator("#toggle-sidebar").tap();
    assertThat(page.locator("#sidebar")).isVisible();
    check(page, "room list");
    page.locator("#close-sidebar").tap();
    assertThat(page.locator("#sidebar")).isHidden();
    page.locator("#toggle-sidebar").tap();
    page.locator("#sidebar [data-room-id='" + room + "']").tap();
    assertThat(page.locator("#sidebar")).isHidden();
    assertThat(page.locator("#sidebar [data-room-id='" + room + "']"))
        .hasAttribute("aria-current", "page");
  }

  @Test
  void everyPanelIsReachableAndClosableWithoutSidewaysScrollAndWithLargeTargets() {
    String root =
        api.say(alice, room, "Plans for **Friday** at https://example.com/plan").get("id").asText();
    api.say(
        bob, room, "```\na long line of code that is much wider than a phone screen, really\n```");
    api.post(
        "/api/v1/rooms/" + room + "/messages",
        Map.of("body", "count me in, @alice", "thread_id", root),
        bob.accessToken());
    api.put(
        "/api/v1/rooms/" + room + "/messages/" + root + "/reactions/%F0%9F%91%8D",
        null,
        bob.accessToken());
    api.put("/api/v1/rooms/" + room + "/pins/" + root, null, alice.accessToken());
    api.say(bob, room, "see you there");
    Page a = phone(alice);
    check(a, "start");
    openRoomOnPhone(a);
    assertThat(message(a, "see you there")).hasCount(1);
    check(a, "room");

    a.locator("#toggle-members").tap();
    assertThat(a.locator("#members")).isVisible();
    assertThat(a.locator("#member-list li")).hasCount(2);
    check(a, "members panel");
    a.locator("#close-members").tap();
    assertThat(a.locator("#members")).isHidden();

    message(a, "Plans for").locator(".thread-summary").tap();
    assertThat(a.locator("#thread-panel")).isVisible();
    assertThat(a.locator("#thread-messages li.msg")).not().hasCount(0);
    check(a, "thread panel");
    a.locator("#thread-close").tap();
    assertThat(a.locator("#thread-panel")).isHidden();

    a.locator("#toggle-pins").tap();
    assertThat(a.locator("#pins-list .pin-hit")).hasCount(1);
    check(a, "pins panel");
    a.locator("#pins-close").tap();
    assertThat(a.locator("#pins-panel")).isHidden();

    a.locator("#search-input").tap();
    a.locator("#search-input").fill("friday");
    a.locator("#search-input").press("Enter");
    assertThat(a.locator("#search-results .search-hit")).not().hasCount(0);
    check(a, "search results");
    a.locator("#search-close").tap();
    assertThat(a.locator("#search-panel")).isHidden();

    a.locator("#toggle-sidebar").tap();
    a.locator("#btn-threads").tap();
    assertThat(a.locator("#threads-panel")).isVisible();
    assertThat(a.locator("#sidebar")).isHidden();
    check(a, "followed threads");
    a.locator("#threads-close").tap();
    assertThat(a.locator("#threads-panel")).isHidden();

    a.locator("#notify-toggle").tap();
    assertThat(a.locator("#notify-menu")).isVisible();
    check(a, "notification menu");
    a.locator("#notify-toggle").tap();
    assertThat(a.locator("#notify-menu")).isHidden();

    a.locator("#room-settings").tap();
    assertThat(a.locator("dialog[open]")).hasCount(1);
    check(a, "room settings");
    a.locator("dialog[open] .dialog-head button").tap();
    assertThat(a.locator("dialog[open]")).hasCount(0);

    a.locator("#toggle-sidebar").tap();
    a.locator("#btn-profile").tap();
    assertThat(a.locator("dialog[open]")).hasCount(1);
    check(a, "profile dialog");
    a.locator("dialog[open] .dialog-head button").tap();
    assertThat(a.locator("dialog[open]")).hasCount(0);

    assertThat(a.locator("#sidebar")).isVisible(); // the dialog gave focus back to Profile
    a.locator("#btn-switcher").tap();
    assertThat(a.locator("dialog.switcher")).isVisible();
    check(a, "quick switcher");
    a.locator("dialog[open] .dialog-head button").tap();
    assertThat(a.locator("dialog[open]")).hasCount(0);
    a.locator("#close-sidebar").tap();
    assertThat(a.locator("#sidebar")).isHidden();

    a.locator("#composer .emoji-button").tap();
    assertThat(a.locator(".emoji-panel")).isVisible();
    check(a, "emoji picker");
    a.locator("#composer .emoji-button").tap();
    assertThat(a.locator(".emoji-panel")).isHidden();

    message(a, "see you there").getByLabel("Add reaction").tap();
    assertThat(a.locator(".emoji-picker")).isVisible();
    check(a, "reaction picker");
    a.locator("#room-name").tap(); // a tap outside closes it, as a phone user expects
    assertThat(a.locator(".emoji-picker")).isHidden();

    assertNoProblems();
  }
}
