package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import dev.banter.support.Api.Account;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A server with a 20 000-byte upload limit: a bigger file shows the 413 next to the composer and
 * sends nothing.
 */
class WebUploadLimitTest extends WebTestBase {
  @Override
  Map<String, String> serverEnv() {
    return Map.of("BANTER_UPLOAD_MAX_BYTES", "20000");
  }

  @Test
  void aFileOverTheLimitShowsTheErrorAndSendsNothing() {
    Account alice = api.register("big");
    String room = api.createRoom(alice, "public");
    Page page = signedIn(alice);
    openRoom(page, room);
    long before = server.count("messages");
    byte[] big = new byte[60_000];
    new Random(1).nextBytes(big);
    WebAttachmentsTest.attach(page, new FilePayload("huge.bin", "application/octet-stream", big));
    assertThat(page.locator("#composer-error")).containsText("huge.bin");
    assertThat(page.locator("#composer-error")).containsText("too large");
    assertThat(page.locator("#attachments .chip")).hasCount(0);
    page.locator("#composer button[type=submit]").click();
    // what the click sent, if anything, would come before a message sent after it
    page.locator("#input").fill("after the refusal");
    page.locator("#input").press("Enter");
    assertThat(messages(page)).hasCount(1);
    assertThat(messages(page)).containsText("after the refusal");
    assertThat(server.count("messages")).isEqualTo(before + 1);
    // A small file still goes through afterwards.
    WebAttachmentsTest.attach(page, new FilePayload("small.txt", "text/plain", "ok".getBytes()));
    assertThat(page.locator("#attachments .chip.ready")).hasCount(1);
    assertThat(page.locator("#composer-error")).isHidden();
  }
}
