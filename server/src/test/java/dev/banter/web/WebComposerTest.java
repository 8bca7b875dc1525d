package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.banter.support.Api.Account;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The composer (#21, item 5): Up in an empty composer edits my last message (in the room and in a
 * thread), Escape cancels and gives back what was being typed, Enter sends and Shift+Enter breaks a
 * line in both composers, drafts per room and thread across room switches and reloads, and the
 * emoji picker by keyboard (inserting at the caret, and for reactions through "More emoji").
 */
class WebComposerTest extends WebRoomTestBase {
  private static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  private static Locator inThread(Page page, String text) {
    return page.locator("#thread-messages li.msg:not(.pending)")
        .filter(new Locator.FilterOptions().setHasText(text));
  }

  private JsonNode reply(Account who, String rootId, String body) {
    var r =
        api.post(
            "/api/v1/rooms/" + room + "/messages",
            Map.of("body", body, "thread_id", rootId),
            who.accessToken());
    assertThat(r.status()).as("reply in thread: %s", r.json()).isEqualTo(201);
    return r.json();
  }

  private static int caret(Locator input) {
    return ((Number) input.evaluate("e => e.selectionStart")).intValue();
  }

  @Test
  void upInAnEmptyComposerEditsMyLastMessageAndEscapeGivesBackWhatWasTyped() {
    api.say(alice, room, "my first words");
    api.say(alice, room, "my last words");
    api.say(bob, room, "bob has the last word");
    Page a = open(alice);
    Locator input = a.locator("#input");
    assertThat(message(a, "bob has the last word")).hasCount(1);

    input.focus();
    a.keyboard().press("ArrowUp");
    assertThat(a.locator("#context-text")).hasText("Editing message");
    assertThat(input).hasValue("my last words"); // mine, not bob's newer one
    assertThat(caret(input)).isEqualTo("my last words".length());
    a.keyboard().press("Escape");
    assertThat(a.locator("#composer-context")).isHidden();
    assertThat(input).hasValue("");

    // with text in the composer Up moves the caret and edits nothing
    input.pressSequentially("half typed");
    a.keyboard().press("ArrowUp");
    assertThat(a.locator("#composer-context")).isHidden();
    assertThat(input).hasValue("half typed");
    // an edit started from the message's actions gives the typed text back when cancelled
    Locator first = message(a, "my first words");
    first.hover();
    first.getByLabel("Edit").click();
    assertThat(input).hasValue("my first words");
    input.press("Escape");
    assertThat(input).hasValue("half typed");
    assertThat(a.locator("#composer-context")).isHidden();

    // … and when saved
    input.fill("");
    input.press("ArrowUp");
    assertThat(input).hasValue("my last words");
    input.fill("my very last words");
    input.press("Enter");
    assertThat(message(a, "my very last words").locator(".edited")).hasText("(edited)");
    assertThat(message(a, "my last words")).hasCount(0);
    assertThat(input).hasValue("");
    assertThat(a.locator("#composer-context")).isHidden();
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void theThreadComposerEditsWithUpAndBreaksLinesWithShiftEnter() {
    String root = api.say(bob, room, "where do we meet?").get("id").asText();
    reply(alice, root, "my reply");
    reply(bob, root, "bob's reply");
    Page a = open(alice);
    message(a, "where do we meet?").locator(".thread-summary").click();
    assertThat(inThread(a, "bob's reply")).hasCount(1);
    Locator input = a.locator("#thread-input");

    input.focus();
    a.keyboard().press("ArrowUp");
    assertThat(a.locator("#thread-context-text")).hasText("Editing message");
    assertThat(input).hasValue("my reply");
    a.keyboard().press("Escape"); // cancels the edit, the panel stays
    assertThat(a.locator("#thread-context")).isHidden();
    assertThat(input).hasValue("");
    assertThat(a.locator("#thread-panel")).isVisible();

    input.pressSequentially("line one");
    input.press("Shift+Enter");
    input.pressSequentially("line two");
    assertThat(input).hasValue("line one\nline two");
    input.press("Enter");
    Locator sent = inThread(a, "line two");
    assertThat(sent).hasCount(1);
    assertThat(sent.locator(".body").evaluate("e => e.textContent"))
        .isEqualTo("line one\nline two");
    assertThat(input).hasValue("");

    input.press("ArrowUp"); // now the newest reply of mine
    assertThat(input).hasValue("line one\nline two");
    input.fill("one line");
    input.press("Enter");
    assertThat(inThread(a, "one line").locator(".edited")).hasText("(edited)");
    assertThat(a.locator("#input")).hasValue(""); // the room's composer was not touched
    // Escape with nothing to cancel still closes the panel
    input.press("Escape");
    assertThat(a.locator("#thread-panel")).isHidden();
  }

  @Test
  void draftsAreKeptPerRoomAndThreadAcrossRoomSwitchesAndReloads() {
    String other = api.createRoom(alice, "public");
    api.say(alice, room, "thread root");
    Page a = open(alice);
    Locator input = a.locator("#input");

    input.pressSequentially("draft for the first room");
    openRoom(a, other);
    assertThat(input).hasValue("");
    input.pressSequentially("draft for the other room");
    openRoom(a, room);
    assertThat(input).hasValue("draft for the first room");

    // a thread has a draft of its own
    message(a, "thread root").hover();
    message(a, "thread root").locator("[aria-label='Reply in thread']").click();
    Locator threadInput = a.locator("#thread-input");
    assertThat(threadInput).isFocused();
    threadInput.pressSequentially("a thread draft");
    a.locator("#thread-close").click();

    a.reload();
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(a.locator("#sidebar [data-room-id='" + room + "']"))
        .hasAttribute("aria-current", "page");
    assertThat(input).hasValue("draft for the first room");
    message(a, "thread root").hover();
    message(a, "thread root").locator("[aria-label='Reply in thread']").click();
    assertThat(threadInput).hasValue("a thread draft");
    threadInput.press("Enter"); // sent: forgotten
    assertThat(inThread(a, "a thread draft")).hasCount(1);
    openRoom(a, other);
    assertThat(input).hasValue("draft for the other room");
    input.press("Enter");
    assertThat(message(a, "draft for the other room")).hasCount(1);
    assertThat(input).hasValue("");

    a.reload();
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(a.locator("#sidebar [data-room-id='" + other + "']"))
        .hasAttribute("aria-current", "page");
    assertThat(input).hasValue("");
    // stored under my user id, one entry per room or thread, sent ones gone
    Object keys =
        a.evaluate(
            "id => Object.keys(JSON.parse(localStorage.getItem('banter.drafts.' + id)))",
            alice.id());
    assertThat(keys).isEqualTo(List.of(room));
    openRoom(a, room);
    assertThat(input).hasValue("draft for the first room");
  }

  @Test
  void atMostFiftyDraftsAreKeptTheOldestDropped() {
    Page a = open(alice);
    Object kept =
        a.evaluate(
            "async (id) => {"
                + " const c = await import('/js/views/composer.js');"
                + " for (let i = 1; i <= 60; i++) c.saveDraft('room-' + i, 'text ' + i);"
                + " const all = JSON.parse(localStorage.getItem('banter.drafts.' + id));"
                + " return [Object.keys(all).length, 'room-10' in all, 'room-11' in all,"
                + "   all['room-60'].text, c.loadDraft('room-60')]; }",
            alice.id());
    assertThat(kept).isEqualTo(List.of(50, false, true, "text 60", "text 60"));
  }

  @Test
  void theEmojiPickerWorksByKeyboardAndInsertsAtTheCaret() {
    Page a = open(alice);
    Locator input = a.locator("#input");
    input.fill("hello world");
    input.press("Home");
    for (int i = 0; i < 5; i++) {
      input.press("ArrowRight");
    }
    a.keyboard().press("Tab");
    Locator button = a.locator(":focus");
    assertThat(button).hasAttribute("aria-label", "Insert emoji");
    a.keyboard().press("Enter");
    Locator panel = a.locator(".emoji-panel");
    assertThat(panel).isVisible();
    assertThat(button).hasAttribute("aria-expanded", "true");
    Locator search = panel.getByRole(AriaRole.COMBOBOX);
    assertThat(search).isFocused();
    assertThat(panel.locator(".emoji-group-title").first()).hasText("Smileys");

    a.keyboard().type("tad");
    Locator active = panel.locator("[role=option][aria-selected=true]");
    assertThat(active).hasAttribute("title", ":tada:");
    assertThat(search).hasAttribute("aria-activedescendant", active.getAttribute("id"));
    a.keyboard().press("Enter");
    assertThat(panel).hasCount(0);
    assertThat(input).isFocused();
    assertThat(input).hasValue("hello🎉 world");
    assertThat(caret(input)).isEqualTo("hello🎉".length());

    // arrows move through the grid: right one, down a row of 8, left one
    a.keyboard().press("Tab");
    a.keyboard().press("Enter");
    assertThat(active).hasAttribute("title", ":smile:");
    a.keyboard().press("ArrowRight");
    assertThat(active).hasAttribute("title", ":smiley:");
    a.keyboard().press("ArrowDown");
    assertThat(active).hasAttribute("title", ":blush:");
    a.keyboard().press("ArrowLeft");
    assertThat(active).hasAttribute("title", ":wink:");
    a.keyboard().press("ArrowUp");
    assertThat(active).hasAttribute("title", ":smile:");
    a.keyboard().press("ArrowDown");
    a.keyboard().press("Enter");
    assertThat(input).hasValue("hello🎉😉 world");

    // Escape closes without inserting; focus and caret come back
    a.keyboard().press("Tab");
    a.keyboard().press("Enter");
    assertThat(panel).isVisible();
    a.keyboard().type("no such emoji");
    assertThat(panel.locator(".emoji-empty")).hasText("No emoji found.");
    a.keyboard().press("Escape");
    assertThat(panel).hasCount(0);
    assertThat(button).hasAttribute("aria-expanded", "false");
    assertThat(input).isFocused();
    assertThat(input).hasValue("hello🎉😉 world");
    assertThat(caret(input)).isEqualTo("hello🎉😉".length());
    a.keyboard().type("!");
    assertThat(input).hasValue("hello🎉😉! world");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void moreEmojiInTheReactionPickerReactsWithAnyEmoji() {
    api.say(bob, room, "we launched");
    Page a = open(alice);
    Locator msg = message(a, "we launched");
    msg.hover();
    Locator react = msg.getByLabel("Add reaction");
    react.click();
    a.keyboard().press("ArrowLeft"); // wraps to the last entry, "More emoji"
    assertThat(a.locator(":focus")).hasAttribute("aria-label", "More emoji");
    a.keyboard().press("Enter");
    Locator panel = a.locator(".emoji-panel");
    assertThat(panel).hasAttribute("aria-label", "Pick a reaction");
    a.keyboard().type(":rocket");
    a.keyboard().press("Enter");
    assertThat(panel).hasCount(0);
    assertThat(msg.locator(".reaction")).hasText("🚀1");
    assertThat(msg.locator(".reaction")).hasAttribute("aria-pressed", "true");
    assertThat(a.locator(":focus")).hasAttribute("aria-label", Pattern.compile("Add reaction"));
  }
}
