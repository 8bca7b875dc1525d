package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Losing the network: the indicator says so, missed messages arrive once, offline sends are
 * delivered once, and edits and deletes made meanwhile are shown after the reconnect (SPEC §5.1).
 */
class WebConnectionTest extends WebTestBase {

  static Locator withBody(Page page, String body) {
    return page.locator("#messages li.msg .body")
        .filter(new Locator.FilterOptions().setHasText(Pattern.compile("^" + body + "$")));
  }

  @Test
  void afterGoingOfflineMissedMessagesArriveOnceAndQueuedSendsAreDeliveredOnce() {
    Account alice = api.register("poster");
    Account bob = api.register("commuter");
    String room = api.createRoom(alice, "public");
    api.invite(alice, room, bob);
    api.say(alice, room, "before");
    Page b = signedIn(bob);
    openRoom(b, room);
    assertThat(withBody(b, "before")).hasCount(1);

    b.context().setOffline(true);
    assertThat(b.locator("#conn")).hasText("Offline");
    api.say(alice, room, "missed one");
    api.say(alice, room, "missed two");
    b.locator("#input").fill("sent in the tunnel");
    b.locator("#input").press("Enter");
    assertThat(b.locator("#messages li.pending")).hasCount(1);
    assertThat(b.locator("#messages li.pending .status")).hasText("sending…");

    b.context().setOffline(false);
    assertThat(b.locator("#conn")).hasText("Connected");
    assertThat(b.locator("#messages li.pending")).hasCount(0);
    assertThat(withBody(b, "sent in the tunnel")).hasCount(1);
    assertThat(withBody(b, "missed one")).hasCount(1);
    assertThat(withBody(b, "missed two")).hasCount(1);
    assertThat(withBody(b, "before")).hasCount(1);
    assertThat(messages(b)).hasCount(4);

    JsonNode history =
        api.get("/api/v1/rooms/" + room + "/messages?limit=50", alice.accessToken()).json();
    assertThat(history.get("messages").findValuesAsText("body"))
        .containsExactly("sent in the tunnel", "missed two", "missed one", "before");
  }

  @Test
  void theIndicatorIsALiveRegionAndTheRoomResumesAfterTheNetworkReturns() {
    Account alice = api.register("poster2");
    Account bob = api.register("listener");
    String room = api.createRoom(alice, "public");
    api.invite(alice, room, bob);
    Page b = signedIn(bob);
    openRoom(b, room);
    Locator conn = b.locator("#conn");
    assertThat(conn).hasAttribute("role", "status");
    assertThat(conn).hasAttribute("aria-live", "polite");
    api.say(alice, room, "one");
    assertThat(withBody(b, "one")).hasCount(1);
    b.context().setOffline(true);
    assertThat(conn).hasText("Offline");
    api.say(alice, room, "two");
    b.context().setOffline(false);
    assertThat(conn).hasText("Connected");
    api.say(alice, room, "three");
    assertThat(withBody(b, "three")).hasCount(1);
    assertThat(withBody(b, "two")).hasCount(1);
    assertThat(withBody(b, "one")).hasCount(1);
    assertThat(messages(b)).hasCount(3);
  }

  @Test
  void anEditAndADeleteMadeWhileOfflineAppearAfterTheReconnect() {
    Account alice = api.register("editor");
    Account bob = api.register("away");
    String room = api.createRoom(alice, "public");
    api.invite(alice, room, bob);
    String typo = api.say(alice, room, "helo").get("id").asText();
    String regret = api.say(alice, room, "regrettable").get("id").asText();
    api.say(alice, room, "untouched");
    Page b = signedIn(bob);
    openRoom(b, room);
    assertThat(withBody(b, "regrettable")).hasCount(1);

    b.context().setOffline(true);
    assertThat(b.locator("#conn")).hasText("Offline");
    String messages = "/api/v1/rooms/" + room + "/messages/";
    assertThat(api.patch(messages + typo, Map.of("body", "hello"), alice.accessToken()).status())
        .isEqualTo(200);
    assertThat(api.delete(messages + regret, alice.accessToken()).status()).isEqualTo(204);
    b.context().setOffline(false);

    assertThat(b.locator("#conn")).hasText("Connected");
    Locator edited = b.locator("#messages li.msg[data-id='" + typo + "']");
    assertThat(edited.locator(".body")).containsText("hello");
    assertThat(edited.locator(".edited")).hasCount(1);
    assertThat(b.locator("#messages li.msg[data-id='" + regret + "'] .tombstone"))
        .hasText("message deleted");
    assertThat(withBody(b, "regrettable")).hasCount(0);
    assertThat(withBody(b, "untouched")).hasCount(1);
    assertThat(messages(b)).hasCount(3);
  }
}
