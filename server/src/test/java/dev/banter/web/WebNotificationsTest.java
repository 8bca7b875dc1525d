package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Notifications in the browser (SPEC §8): the room header's settings menu saved over the API, a
 * desktop notification for a `notification` event while the tab is hidden (headless Chromium shows
 * none, so the test's stub of {@code window.Notification} records what our code builds), permission
 * asked only on a click, the optional sound, and the count in the tab title.
 */
class WebNotificationsTest extends WebRoomTestBase {
  /**
   * Records constructed notifications in {@code window.__notes}, counts permission requests in
   * {@code window.__asked}, makes {@code document.visibilityState} follow {@code
   * window.__visibility}, and counts WebAudio oscillators started in {@code window.__tones}.
   */
  private static final String STUBS =
      """
      (() => {
        window.__notes = [];
        window.__asked = 0;
        window.__tones = 0;
        window.__permission = window.__permission || 'granted';
        class RecordingNotification {
          constructor(title, options) {
            this.title = title;
            this.body = options && options.body;
            this.closed = false;
            window.__notes.push(this);
          }
          close() { this.closed = true; }
          static get permission() { return window.__permission; }
          static requestPermission() {
            window.__asked += 1;
            window.__permission = 'granted';
            return Promise.resolve('granted');
          }
        }
        window.Notification = RecordingNotification;
        const visibility = () => window.__visibility || 'visible';
        Object.defineProperty(Document.prototype, 'visibilityState', { get: visibility, configurable: true });
        Object.defineProperty(Document.prototype, 'hidden', { get: () => visibility() === 'hidden', configurable: true });
        const Real = window.AudioContext;
        window.AudioContext = class extends Real {
          createOscillator() {
            const osc = super.createOscillator();
            const start = osc.start.bind(osc);
            osc.start = (...args) => { window.__tones += 1; return start(...args); };
            return osc;
          }
        };
      })();
      """;

  private Page withStubs(Account who, String before) {
    BrowserContext c = newContext(1280, 800);
    c.grantPermissions(List.of("notifications"));
    c.addInitScript(before + STUBS);
    return signedIn(who, c);
  }

  private static void hide(Page page) {
    page.evaluate(
        "window.__visibility = 'hidden'; document.dispatchEvent(new Event('visibilitychange'))");
  }

  private static Locator menuItem(Page page, String name) {
    return page.locator("#notify-menu [role^=menuitem]")
        .filter(new Locator.FilterOptions().setHasText(Pattern.compile("^" + name + "$")));
  }

  @Test
  void aChannelsLevelAndMuteAreSavedAndShownAfterAReload() {
    Page a = open(alice);
    Locator bell = a.locator("#notify-toggle");
    assertThat(bell).hasText("🔔 Mentions"); // the default of a channel

    bell.click();
    assertThat(menuItem(a, "Mentions only")).hasAttribute("aria-checked", "true");
    menuItem(a, "All messages").click();
    assertThat(bell).hasText("🔔 All");
    assertThat(bell).isFocused();

    a.reload();
    assertThat(bell).hasText("🔔 All");
    bell.click();
    assertThat(menuItem(a, "All messages")).hasAttribute("aria-checked", "true");
    menuItem(a, "Mute for 1 hour").click();
    assertThat(bell).hasText("🔕 Muted");
    assertThat(bell).hasAttribute("aria-label", Pattern.compile("All messages, Muted until "));
    Locator entry = a.locator("#sidebar [data-room-id='" + room + "']");
    assertThat(entry.locator(".quiet-mark")).hasCount(1);

    a.reload();
    assertThat(bell).hasText("🔕 Muted");
    bell.click();
    assertThat(a.locator("#notify-menu .menu-note").first()).containsText("Muted until");
    menuItem(a, "Unmute").click();
    assertThat(bell).hasText("🔔 All");
    assertThat(entry.locator(".quiet-mark")).hasCount(0);

    var rooms = api.get("/api/v1/rooms", alice.accessToken()).json().get("rooms");
    for (var r : rooms) {
      if (r.get("id").asText().equals(room)) {
        assertThat(r.get("notification_level").asText()).isEqualTo("all");
        assertThat(r.get("muted_until").isNull()).isTrue();
      }
    }
  }

  @Test
  void nothingAndMuteUntilUnmutedAreShownAsOff() {
    Page a = open(alice);
    Locator bell = a.locator("#notify-toggle");
    bell.click();
    menuItem(a, "Nothing").click();
    assertThat(bell).hasText("🔕 Off");
    bell.click();
    menuItem(a, "Mute until I unmute").click();
    assertThat(bell).hasText("🔕 Muted");
    a.reload();
    assertThat(bell).hasAttribute("aria-label", "Notifications: Nothing, Muted");
    a.locator("#notify-toggle").press("Enter");
    assertThat(menuItem(a, "All messages")).isFocused();
    a.keyboard().press("ArrowDown");
    assertThat(menuItem(a, "Mentions only")).isFocused();
    a.keyboard().press("Escape");
    assertThat(a.locator("#notify-menu")).hasCount(0);
    assertThat(bell).isFocused();
  }

  @Test
  void aMentionWhileTheTabIsHiddenShowsADesktopNotificationThatOpensTheRoom() {
    Page a = withStubs(alice, "");
    openRoom(a, "general");
    hide(a);

    api.say(bob, room, "@" + alice.username() + " the build is red");

    a.waitForCondition(() -> (int) a.evaluate("window.__notes.length") == 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> note =
        (Map<String, Object>) a.evaluate("({title: __notes[0].title, body: __notes[0].body})");
    assertThat(note.get("title")).asString().startsWith(bob.username() + " mentioned you in # ");
    assertThat(note.get("body")).isEqualTo("@" + alice.username() + " the build is red");

    a.evaluate("__notes[0].onclick()");
    assertThat(a.locator("#sidebar [data-room-id='" + room + "']"))
        .hasAttribute("aria-current", "page");
    assertThat(a.evaluate("__notes[0].closed")).isEqualTo(true);
    assertThat((int) a.evaluate("window.__asked")).isZero(); // granted: nothing asked
  }

  @Test
  void aReplyInMyThreadNotifiesAndItsClickOpensTheThread() {
    String root = api.say(alice, room, "who reviews the patch?").get("id").asText();
    Page a = withStubs(alice, "");
    openRoom(a, "general");
    hide(a);

    api.post(
        "/api/v1/rooms/" + room + "/messages",
        Map.of("body", "I will, tonight", "thread_id", root),
        bob.accessToken());

    a.waitForCondition(() -> (int) a.evaluate("window.__notes.length") == 1);
    assertThat(a.evaluate("__notes[0].title"))
        .asString()
        .startsWith(bob.username() + " replied in a thread in # ");
    a.evaluate("__notes[0].onclick()");
    assertThat(a.locator("#thread-panel")).isVisible();
    assertThat(a.locator("#thread-messages li.msg .body"))
        .hasText(new String[] {"who reviews the patch?", "I will, tonight"});
  }

  @Test
  void aVisibleTabGetsNoDesktopNotificationButTheSoundWhenItIsOn() {
    Page a = withStubs(alice, "localStorage.setItem('banter.sound', 'on');");
    openRoom(a, "general");

    api.say(bob, room, "@" + alice.username() + " look at this");

    a.waitForCondition(() -> (int) a.evaluate("window.__tones") >= 2);
    assertThat((int) a.evaluate("window.__notes.length")).isZero();
  }

  @Test
  void theSoundIsOffByDefaultAndTheMenuTurnsItOnAndOff() {
    Page a = open(alice);
    Locator bell = a.locator("#notify-toggle");
    bell.click();
    assertThat(menuItem(a, "Notification sound")).hasAttribute("aria-checked", "false");
    menuItem(a, "Notification sound").click();
    assertThat(menuItem(a, "Notification sound")).hasAttribute("aria-checked", "true");
    assertThat(a.evaluate("localStorage.getItem('banter.sound')")).isEqualTo("on");
    a.reload();
    bell.click();
    menuItem(a, "Notification sound").click();
    assertThat(menuItem(a, "Notification sound")).hasAttribute("aria-checked", "false");
    assertThat(a.evaluate("localStorage.getItem('banter.sound')")).isNull();
  }

  @Test
  void permissionIsAskedOnlyWhenThePromptIsClickedAndThenPushIsSetUp() {
    Page a =
        withStubs(
            alice,
            "window.__permission = 'default'; window.__sw = 0;"
                + " navigator.serviceWorker.register = () => {"
                + " window.__sw++; return Promise.reject(new Error('stubbed')); };");
    Locator prompt = a.locator("#notify-prompt");
    assertThat(prompt).isVisible();
    assertThat((int) a.evaluate("window.__asked")).isZero();
    assertThat((int) a.evaluate("window.__sw")).as("nothing before permission").isZero();

    // granting permission sets up Web Push (push.js), which registers the service worker
    prompt.getByText("Enable desktop notifications").click();
    a.waitForCondition(() -> (int) a.evaluate("window.__sw") >= 1);
    assertThat(prompt).isHidden();
    assertThat((int) a.evaluate("window.__asked")).isEqualTo(1);
    a.locator("#notify-toggle").click();
    assertThat(a.locator("#notify-menu .menu-note")).hasText("Desktop notifications are on");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void notNowHidesThePromptForGoodAndTheMenuStillOffersIt() {
    Page a = withStubs(alice, "window.__permission = 'default';");
    a.locator("#notify-prompt").getByText("Not now").click();
    assertThat(a.locator("#notify-prompt")).isHidden();
    a.reload();
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(a.locator("#notify-prompt")).isHidden();
    a.locator("#notify-toggle").click();
    menuItem(a, "Enable desktop notifications").click();
    assertThat((int) a.evaluate("window.__asked")).isEqualTo(1);
  }

  @Test
  void theTabTitleCountsDirectMessagesAndMentionsButNotOtherChannelChatter() {
    String dm =
        api.post("/api/v1/dms", Map.of("username", alice.username()), bob.accessToken())
            .json()
            .get("id")
            .asText();
    Page a = signedIn(alice);
    openRoom(a, "general");
    assertThat(a).hasTitle("Banter");

    api.say(bob, dm, "hi alice");
    api.say(bob, dm, "are you around?");
    assertThat(a).hasTitle("(2) Banter");
    api.say(bob, room, "just chatting in the channel");
    api.say(bob, room, "@" + alice.username() + " but this is for you");
    assertThat(a).hasTitle("(3) Banter");

    openRoom(a, dm);
    assertThat(a).hasTitle("(1) Banter");
  }

  @Test
  void whileTheTabIsHiddenTheOpenRoomCountsInTheTitle() {
    String dm =
        api.post("/api/v1/dms", Map.of("username", alice.username()), bob.accessToken())
            .json()
            .get("id")
            .asText();
    Page a = withStubs(alice, "");
    openRoom(a, dm);
    hide(a);
    api.say(bob, dm, "ping");
    assertThat(a).hasTitle("(1) Banter");
    a.evaluate(
        "window.__visibility = 'visible'; document.dispatchEvent(new Event('visibilitychange'))");
    assertThat(a).hasTitle("Banter");
  }
}
