package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Web Push in headless Chromium (SPEC §8): the service worker registers from the site root, and a
 * push message delivered to it (through the DevTools protocol, as a push service would) becomes a
 * notification with the author, room and body of the payload. Headless Chromium reaches no real
 * push service, so {@code PushManager.subscribe} itself is not exercised here (docs/decisions.md).
 */
class WebPushTest extends WebRoomTestBase {
  private Page withNotificationsAllowed(Account who) {
    BrowserContext c = newContext(1280, 800);
    c.grantPermissions(List.of("notifications"));
    Page page = signedIn(who, c);
    openRoom(page, room);
    return page;
  }

  private static Object evaluate(Page page, String script) {
    return page.evaluate(script);
  }

  @Test
  void theServiceWorkerRegistersForTheWholeSiteOnceNotificationsAreAllowed() {
    Page page = withNotificationsAllowed(alice);
    Object scope = evaluate(page, "async () => (await navigator.serviceWorker.ready).scope");
    assertThat(scope).isEqualTo(server.baseUrl() + "/");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void withoutPermissionNothingIsRegisteredOrAsked() {
    Page page = open(alice);
    Object registrations =
        evaluate(page, "async () => (await navigator.serviceWorker.getRegistrations()).length");
    assertThat(registrations).isEqualTo(0);
    assertThat(evaluate(page, "() => Notification.permission")).isEqualTo("default");
  }

  @Test
  void aPushMessageBecomesANotificationOfItsRoomAndAuthor() {
    Page page = withNotificationsAllowed(alice);
    evaluate(page, "async () => { await navigator.serviceWorker.ready; }");
    CDPSession cdp = page.context().newCDPSession(page);
    AtomicReference<String> registrationId = new AtomicReference<>();
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        e ->
            e.getAsJsonArray("registrations")
                .forEach(
                    r -> {
                      JsonObject o = r.getAsJsonObject();
                      if (!o.get("isDeleted").getAsBoolean()) {
                        registrationId.set(o.get("registrationId").getAsString());
                      }
                    }));
    cdp.send("ServiceWorker.enable");
    // Playwright hands events over only while the test calls it: each poll calls it once
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> evaluate(page, "() => 0") != null && registrationId.get() != null);

    JsonObject push = new JsonObject();
    push.addProperty("origin", server.baseUrl());
    push.addProperty("registrationId", registrationId.get());
    push.addProperty(
        "data",
        """
        {"type":"notification","room_id":"%s","room_name":"ops","reason":"mention",
         "message":{"id":"m1","seq":3,"body":"deploy at noon?",
                    "author":{"username":"bob","display_name":"Bob B."}}}"""
            .formatted(room));
    cdp.send("ServiceWorker.deliverPushMessage", push);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((Number)
                            evaluate(
                                page,
                                "async () => (await (await navigator.serviceWorker.ready)"
                                    + ".getNotifications()).length"))
                        .intValue()
                    == 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> shown =
        (Map<String, Object>)
            evaluate(
                page,
                "async () => { const [n] = await (await navigator.serviceWorker.ready)"
                    + ".getNotifications(); return {title: n.title, body: n.body, tag: n.tag,"
                    + " room: n.data.room_id}; }");
    assertThat(shown)
        .containsEntry("title", "Bob B. in #ops")
        .containsEntry("body", "deploy at noon?")
        .containsEntry("tag", "room:" + room)
        .containsEntry("room", room);
  }

  @Test
  void aPageOpenedFromANotificationShowsItsRoom() {
    String other = api.createRoom(alice, "public");
    BrowserContext c = newContext(1280, 800);
    Page page = signedIn(alice, c);
    page.navigate("/?room=" + other);
    assertThat(page.locator("#sidebar [data-room-id='" + other + "']"))
        .hasAttribute("aria-current", "page");
  }
}
