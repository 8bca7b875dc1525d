package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Reply;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pins in the browser (SPEC §8): Pin/Unpin in a message's actions, seen live by another member, and
 * the pinned-messages panel, whose entries open the message in context.
 */
class WebPinsTest extends WebRoomTestBase {
  private static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  @Test
  void aMessagePinnedFromItsActionsShowsForBothAndInThePanel() {
    api.say(alice, room, "the release is on friday");
    api.say(alice, room, "lunch?");
    Page a = open(alice);
    Page b = open(bob);
    Locator onA = message(a, "the release is on friday");

    onA.hover();
    onA.getByLabel("Pin", new Locator.GetByLabelOptions().setExact(true)).click();

    assertThat(onA).hasClass(Pattern.compile("pinned"));
    assertThat(onA.locator(".pin-mark")).hasText("📌 Pinned by " + alice.username());
    Locator onB = message(b, "the release is on friday");
    assertThat(onB.locator(".pin-mark")).hasText("📌 Pinned by " + alice.username());
    assertThat(message(b, "lunch?").locator(".pin-mark")).hasCount(0);

    b.locator("#toggle-pins").click();
    Locator hits = b.locator("#pins-list .pin-hit");
    assertThat(hits).hasCount(1);
    assertThat(hits.locator(".pin-snippet")).hasText("the release is on friday");
    assertThat(hits.locator(".pin-by")).hasText("pinned by " + alice.username());

    onA.hover();
    onA.getByLabel("Unpin").click();
    assertThat(onA.locator(".pin-mark")).hasCount(0);
    // bob's open panel follows the change live
    assertThat(b.locator("#pins-status")).hasText("No pinned messages in this room yet.");
    assertThat(hits).hasCount(0);
    b.locator("#pins-close").click();
    assertThat(onB.locator(".pin-mark")).hasCount(0);
    assertThat(onB).not().hasClass(Pattern.compile("pinned"));
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void clickingAPinOlderThanTheLoadedPageScrollsToIt() {
    String old = api.say(alice, room, "the wifi password is in the wiki").get("id").asText();
    for (int i = 1; i <= 80; i++) {
      api.say(bob, room, "chatter " + i);
    }
    Reply pinned = api.put("/api/v1/rooms/" + room + "/pins/" + old, null, bob.accessToken());
    assertThat(pinned.status()).isEqualTo(200);
    // read up to the end: otherwise the "New messages" divider (#21) fetches back to chatter 1
    assertThat(
            api.post("/api/v1/rooms/" + room + "/read", Map.of("seq", 81), alice.accessToken())
                .status())
        .isEqualTo(204);
    Page a = open(alice);
    assertThat(message(a, "chatter 80")).isVisible();
    assertThat(message(a, "the wifi password")).hasCount(0); // not on the first page

    a.locator("#toggle-pins").click();
    assertThat(a.locator("#toggle-pins")).hasAttribute("aria-expanded", "true");
    a.locator("#pins-list .pin-hit").click();

    assertThat(a.locator("#pins-panel")).isHidden();
    Locator target = message(a, "the wifi password is in the wiki");
    assertThat(target).isInViewport();
    assertThat(target).hasClass(Pattern.compile("flash"));
    assertThat(target.locator(".pin-mark")).hasText("📌 Pinned by " + bob.username());
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void markupInAPinnedMessageIsShownAsText() {
    String id =
        api.say(alice, room, "<img src=x onerror=alert(1)> pinned markup").get("id").asText();
    assertThat(api.put("/api/v1/rooms/" + room + "/pins/" + id, null, alice.accessToken()).status())
        .isEqualTo(200);
    Page b = open(bob);
    b.locator("#toggle-pins").click();
    assertThat(b.locator("#pins-list .pin-snippet"))
        .hasText("<img src=x onerror=alert(1)> pinned markup");
    assertThat(b.locator("#pins-list img")).hasCount(0);
    b.locator("#pins-panel").press("Escape");
    assertThat(b.locator("#pins-panel")).isHidden();
  }

  @Test
  void aPinPastTheRoomsBoundSaysWhyAndPinsNothing() {
    for (int i = 0; i < 50; i++) {
      String id = api.say(alice, room, "pinned " + i).get("id").asText();
      assertThat(
              api.put("/api/v1/rooms/" + room + "/pins/" + id, null, alice.accessToken()).status())
          .isEqualTo(200);
    }
    api.say(alice, room, "one too many");
    Page b = open(bob);
    Locator extra = message(b, "one too many");

    extra.hover();
    extra.getByLabel("Pin", new Locator.GetByLabelOptions().setExact(true)).click();

    assertThat(b.locator("#composer-error")).containsText("at most 50 pinned messages");
    assertThat(extra.locator(".pin-mark")).hasCount(0);
  }
}
