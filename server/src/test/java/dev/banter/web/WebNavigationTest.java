package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.banter.support.Api.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Navigation (#21, item 6): the quick switcher (Ctrl/Cmd+K) by keyboard only, deep links to a room
 * and to a message far back in history (scrolled to and highlighted), the address bar following the
 * open room, "Copy link", links to rooms I cannot see, and a keyboard-only walk of the page with
 * focus always visible and a skip link to the composer.
 */
class WebNavigationTest extends WebRoomTestBase {
  private static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  private static Locator roomButton(Page page, String roomId) {
    return page.locator("#sidebar [data-room-id='" + roomId + "']");
  }

  /**
   * A URL ending with {@code text}, escaped by hand: the browser runs the pattern as a JS RegExp.
   */
  private static Pattern endsWith(String text) {
    return Pattern.compile(text.replaceAll("[.*+?^${}()|\\[\\]\\\\]", "\\\\$0") + "$");
  }

  private String channel(Account owner, String name) {
    var r =
        api.post(
            "/api/v1/rooms", Map.of("name", name, "visibility", "public"), owner.accessToken());
    assertThat(r.status()).as("create %s: %s", name, r.json()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  @Test
  void ctrlKSwitchesRoomsWithTheKeyboardOnly() {
    String design = channel(alice, "design-review");
    String devops = channel(alice, "devops");
    api.invite(alice, devops, bob);
    Page a = open(alice);
    api.say(bob, devops, "deploy at five");
    api.say(bob, devops, "or six");
    assertThat(roomButton(a, devops).locator(".badge")).hasText("2");

    a.locator("#input").focus();
    a.keyboard().press("Control+k");
    Locator dialog = a.locator("dialog.switcher");
    assertThat(dialog).isVisible();
    Locator box = dialog.getByRole(AriaRole.COMBOBOX);
    assertThat(box).isFocused();
    Locator options = dialog.locator("[role=option]");
    assertThat(options.first()).hasAttribute("data-room-id", devops); // unread first
    assertThat(options.first().locator(".badge")).hasText("2");
    assertThat(options.first()).hasAttribute("aria-selected", "true");

    a.keyboard().type("dsgn"); // letters in order
    assertThat(options).hasCount(1);
    assertThat(options.first()).hasAttribute("data-room-id", design);
    box.fill("");
    a.keyboard().type("#de"); // a prefix (the # is optional); the unread one first
    assertThat(options.nth(0)).hasAttribute("data-room-id", devops);
    assertThat(options.nth(1)).hasAttribute("data-room-id", design);
    a.keyboard().press("ArrowDown");
    assertThat(options.nth(1)).hasAttribute("aria-selected", "true");
    assertThat(options.nth(0)).hasAttribute("aria-selected", "false");
    assertThat(box).hasAttribute("aria-activedescendant", options.nth(1).getAttribute("id"));
    a.keyboard().press("ArrowUp");
    a.keyboard().press("ArrowUp"); // wraps round to the last
    assertThat(options.last()).hasAttribute("aria-selected", "true");
    a.keyboard().press("Home");
    box.fill("desi");
    a.keyboard().press("Enter");

    assertThat(dialog).hasCount(0);
    assertThat(roomButton(a, design)).hasAttribute("aria-current", "page");
    assertThat(a.locator("#room-name")).hasText("# design-review");
    assertThat(a.locator("#input")).isFocused();
    assertThat(a).hasURL(endsWith("#/room/" + design));

    // Escape closes it and focus goes back where it was; Cmd+K and the sidebar button open it too
    a.locator("#search-input").focus();
    a.keyboard().press("Meta+k");
    assertThat(dialog).isVisible();
    a.keyboard().press("Escape");
    assertThat(dialog).hasCount(0);
    assertThat(a.locator("#search-input")).isFocused();
    a.locator("#btn-switcher").focus();
    a.keyboard().press("Enter");
    assertThat(box).isFocused();
    a.keyboard().type("zzzz");
    assertThat(dialog.locator(".switcher-empty")).hasText("No room or direct message matches.");
    a.keyboard().press("Control+k"); // toggles it shut
    assertThat(dialog).hasCount(0);
    assertThat(a.locator("#btn-switcher")).isFocused();
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aDeepLinkToAMessage300MessagesBackScrollsToItAndHighlightsIt() {
    long target = 0;
    for (int i = 1; i <= 320; i++) {
      long seq = api.say(bob, room, String.format("history %03d", i)).get("seq").asLong();
      if (i == 20) {
        target = seq;
      }
    }
    String link = "/#/room/" + room + "/" + target;
    Page a = signedIn(alice);
    assertThat(roomButton(a, "general")).hasAttribute("aria-current", "page");

    a.navigate(link); // followed within the page (a hash change) …
    assertLinked(a, link);
    a.reload(); // … and by a page loading with it
    assertThat(a.locator("#conn")).hasText("Connected");
    assertLinked(a, link);

    // another room drops the highlight and names itself; Back comes back to the message
    openRoom(a, "general");
    assertThat(a).hasURL(endsWith("/#/room/general"));
    a.goBack();
    assertLinked(a, link);
    assertThat(pageErrors).isEmpty();
  }

  private void assertLinked(Page a, String link) {
    assertThat(roomButton(a, room)).hasAttribute("aria-current", "page");
    Locator hit = message(a, "history 020");
    assertThat(hit).isInViewport();
    assertThat(hit).hasClass(Pattern.compile("\\blinked\\b"));
    assertThat(a.locator("#messages li.msg.linked")).hasCount(1);
    assertThat(a).hasURL(endsWith(link));
    // the whole stretch from it to the newest is loaded, no gap
    assertThat(message(a, "history 019")).hasCount(1);
    assertThat(message(a, "history 170")).hasCount(1);
    assertThat(message(a, "history 320")).hasCount(1);
  }

  @Test
  void theHashFollowsTheOpenRoomAndCopyLinkGivesALinkToTheMessage() {
    long seq = api.say(alice, room, "link to me").get("seq").asLong();
    api.say(alice, room, "after it");
    BrowserContext c = newContext(1280, 800);
    c.grantPermissions(List.of("clipboard-read", "clipboard-write"));
    Page a = signedIn(alice, c);
    assertThat(a).hasURL(endsWith("/#/room/general"));
    openRoom(a, room);
    assertThat(a).hasURL(endsWith("/#/room/" + room));

    Locator msg = message(a, "link to me");
    msg.hover();
    msg.getByLabel("Copy link").click();
    assertThat(a.locator("#nav-toast")).hasText("Link copied");
    String link = (String) a.evaluate("() => navigator.clipboard.readText()");
    assertThat(link).isEqualTo(server.baseUrl() + "/#/room/" + room + "/" + seq);

    a.goBack(); // each room opened is a step in the history
    assertThat(roomButton(a, "general")).hasAttribute("aria-current", "page");
    a.goForward();
    assertThat(roomButton(a, room)).hasAttribute("aria-current", "page");

    Page b = signedIn(bob);
    b.navigate(link);
    assertThat(message(b, "link to me")).hasClass(Pattern.compile("\\blinked\\b"));
    assertThat(message(b, "after it")).not().hasClass(Pattern.compile("\\blinked\\b"));
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aLinkToARoomICannotSeeSaysWhyAndNothingBreaks() {
    Page a = signedIn(alice);
    Locator notice = a.locator("#route-notice");
    a.navigate("/#/room/no-such-room");
    assertThat(notice).containsText("This room does not exist, or it was deleted.");
    assertThat(a).hasURL(endsWith("/#/room/general")); // the address names the room still open
    assertThat(roomButton(a, "general")).hasAttribute("aria-current", "page");

    String secret = api.createRoom(bob, "private");
    a.navigate("/#/room/" + secret);
    assertThat(notice).containsText("This room is private and you are not a member of it.");

    String open = api.createRoom(bob, "public");
    a.navigate("/#/room/" + open);
    assertThat(notice).containsText("You are not a member of # ");
    notice.locator("button.primary").click(); // "Join # …"
    assertThat(roomButton(a, open)).hasAttribute("aria-current", "page");
    assertThat(notice).hasCount(0);

    a.navigate("/#/room/" + room + "/99999");
    assertThat(notice).containsText("That message is not in this room");
    assertThat(roomButton(a, room)).hasAttribute("aria-current", "page");
    notice.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Dismiss")).click();
    assertThat(notice).hasCount(0);
    assertThat(a.locator("#input")).isFocused();

    a.navigate(
        "/?fresh=1#/room/no-such-room"); // a page loading with a bad link opens the usual room
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(notice).containsText("This room does not exist, or it was deleted.");
    assertThat(roomButton(a, room)).hasAttribute("aria-current", "page"); // the last one open
    a.locator("#input").fill("still works");
    a.locator("#input").press("Enter");
    assertThat(message(a, "still works")).hasCount(1);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aKeyboardOnlyWalkReachesEveryControlWithFocusVisibleAndSends() {
    api.say(alice, room, "a message with actions");
    Page a = open(alice);
    a.reload(); // from the top of a fresh page, nothing clicked
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(message(a, "a message with actions")).hasCount(1);

    a.keyboard().press("Tab");
    Locator skip = a.locator("#skip-link");
    assertThat(skip).isFocused();
    assertThat(skip).hasText("Skip to the message composer");
    assertThat(skip).isInViewport();
    a.keyboard().press("Enter");
    Locator input = a.locator("#input");
    assertThat(input).isFocused();
    assertThat(a).hasURL(endsWith("/#/room/" + room)); // the skip link did not change the address
    a.keyboard().type("typed without a mouse");
    a.keyboard().press("Enter");
    assertThat(message(a, "typed without a mouse")).hasCount(1);
    assertThat(input).hasValue("");

    // every Tab stop from the top shows where focus is
    a.locator("body").focus();
    a.evaluate("() => document.activeElement.blur()");
    List<String> stops = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      a.keyboard().press("Tab");
      @SuppressWarnings("unchecked")
      List<String> d =
          (List<String>)
              a.evaluate(
                  "() => { const e = document.activeElement;"
                      + " if (!e || e === document.body) return null;"
                      + " const s = getComputedStyle(e);"
                      + " return [e.id || e.getAttribute('aria-label') || e.textContent.trim(),"
                      + "   s.outlineStyle, s.outlineWidth]; }");
      if (d == null) {
        continue;
      }
      assertThat(d.get(1)).as("outline of %s", d.get(0)).isNotEqualTo("none");
      assertThat(d.get(2)).as("outline of %s", d.get(0)).isNotEqualTo("0px");
      stops.add(d.get(0));
    }
    assertThat(stops)
        .contains(
            "skip-link",
            "btn-switcher",
            "btn-create",
            "search-input",
            "toggle-members",
            "scroller",
            "Add reaction",
            "Copy link",
            "Edit",
            "input",
            "Insert emoji",
            "attach",
            "Send message");
    assertThat(pageErrors).isEmpty();
  }
}
