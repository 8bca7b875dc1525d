package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two users in one room, each in their own browser: sending, editing, replies, reactions, typing,
 * safety.
 */
class WebMessagingTest extends WebRoomTestBase {
  static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  @Test
  void enterSendsAndTheOtherUserSeesItLive() {
    Page a = open(alice);
    Page b = open(bob);
    a.locator("#input").fill("hello bob");
    a.locator("#input").press("Enter");
    assertThat(message(b, "hello bob")).hasCount(1);
    assertThat(message(a, "hello bob")).hasCount(1);
    assertThat(a.locator("#input")).hasValue("");
  }

  @Test
  void shiftEnterInsertsANewLine() {
    Page a = open(alice);
    Locator input = a.locator("#input");
    input.pressSequentially("line one");
    input.press("Shift+Enter");
    input.pressSequentially("line two");
    assertThat(input).hasValue("line one\nline two");
    input.press("Enter");
    assertThat(message(a, "line two")).hasCount(1);
    assertThat(message(a, "line two").locator(".body").evaluate("e => e.textContent"))
        .isEqualTo("line one\nline two");
  }

  @Test
  void aRoomReceivingMessagesWhileAnotherIsOpenGetsAnUnreadBadge() {
    Page b = signedIn(bob);
    openRoom(b, "general");
    api.say(alice, room, "one");
    api.say(alice, room, "two");
    Locator badge = b.locator("#sidebar [data-room-id='" + room + "'] .badge");
    assertThat(badge).hasText("2");
    assertThat(badge).hasAttribute("aria-label", "2 unread");
    openRoom(b, room);
    assertThat(badge).hasCount(0);
    assertThat(message(b, "two")).hasCount(1);
  }

  @Test
  void editsAndDeletesShowTheirMarkersOnBothSides() {
    Page a = open(alice);
    Page b = open(bob);
    api.say(alice, room, "first draft");
    api.say(alice, room, "regrettable");
    Locator draft = message(a, "first draft");
    draft.hover();
    draft.getByLabel("Edit").click();
    assertThat(a.locator("#context-text")).hasText("Editing message");
    a.locator("#input").fill("final text");
    a.locator("#input").press("Enter");
    assertThat(message(b, "final text").locator(".edited")).hasText("(edited)");

    Locator regret = message(a, "regrettable");
    regret.hover();
    regret.getByLabel("Delete").click();
    a.locator("dialog .danger").click();
    assertThat(b.locator("#messages li.msg.deleted .tombstone")).hasText("message deleted");
    assertThat(message(b, "regrettable")).hasCount(0);
  }

  @Test
  void aReplyQuotesItsParent() {
    Page a = open(alice);
    Page b = open(bob);
    api.say(alice, room, "what time is lunch?");
    Locator question = message(b, "what time is lunch?");
    question.hover();
    question.getByLabel("Reply", new Locator.GetByLabelOptions().setExact(true)).click();
    assertThat(b.locator("#context-text")).containsText("Replying to " + alice.username());
    b.locator("#input").fill("noon");
    b.locator("#input").press("Enter");
    Locator quote = message(a, "noon").locator(".reply-quote");
    assertThat(quote).containsText(alice.username());
    assertThat(quote).containsText("what time is lunch?");
  }

  @Test
  void clickingAReactionTogglesItAndTheCountShowsWhoReacted() {
    Page a = open(alice);
    Page b = open(bob);
    api.say(alice, room, "pizza tonight");
    Locator onB = message(b, "pizza tonight");
    onB.hover();
    onB.getByLabel("Add reaction").click();
    b.getByLabel("React with 👍").click();
    Locator reactionOnA = message(a, "pizza tonight").locator(".reaction");
    assertThat(reactionOnA).hasText("👍1");
    assertThat(reactionOnA).hasAttribute("title", "👍 by " + bob.username());
    reactionOnA.click();
    assertThat(reactionOnA).hasText("👍2");
    assertThat(reactionOnA).hasAttribute("aria-pressed", "true");
    assertThat(onB.locator(".reaction"))
        .hasAttribute("title", "👍 by " + bob.username() + ", " + alice.username());
    reactionOnA.click();
    assertThat(reactionOnA).hasText("👍1");
    assertThat(reactionOnA).hasAttribute("aria-pressed", "false");
  }

  @Test
  void typingIsShownToTheOtherUser() {
    Page a = open(alice);
    Page b = open(bob);
    a.locator("#input").pressSequentially("I am wri");
    assertThat(b.locator("#typing")).hasText(alice.username() + " is typing…");
    a.locator("#input").press("Enter");
    assertThat(b.locator("#typing")).hasText("");
  }

  @Test
  void messageBodiesAreTextNeverMarkup() {
    Page b = open(bob);
    List<String> dialogs = new ArrayList<>();
    b.onDialog(
        d -> {
          dialogs.add(d.message());
          d.dismiss();
        });
    api.say(alice, room, "<img src=x onerror=alert(1)>");
    api.say(alice, room, "javascript:alert(1)");
    api.say(alice, room, "<script>alert(2)</script> see https://example.com/ok");
    assertThat(message(b, "see https://example.com/ok")).hasCount(1);
    assertThat(message(b, "<img src=x onerror=alert(1)>").locator(".body"))
        .hasText("<img src=x onerror=alert(1)>");
    assertThat(message(b, "javascript:alert(1)").locator(".body")).hasText("javascript:alert(1)");
    assertThat(b.locator("#messages img")).hasCount(0);
    assertThat(b.locator("#messages script")).hasCount(0);
    assertThat(b.locator("#messages a[href^='javascript']")).hasCount(0);
    Locator link = b.locator("#messages a");
    assertThat(link).hasCount(1);
    assertThat(link).hasAttribute("href", "https://example.com/ok");
    assertThat(link).hasAttribute("rel", "noopener noreferrer");
    assertThat(dialogs).isEmpty();
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void messageActionsAreReachableWithTheKeyboard() {
    Page a = open(alice);
    api.say(alice, room, "keyboard only");
    assertThat(message(a, "keyboard only")).hasCount(1);
    a.locator("#input").focus();
    a.keyboard().press("Shift+Tab"); // from the composer back into the last message's actions
    Locator focused = a.locator(":focus");
    assertThat(focused).hasAttribute("aria-label", "Delete");
    a.keyboard().press("Shift+Tab");
    assertThat(a.locator(":focus")).hasAttribute("aria-label", "Edit");
    a.keyboard().press("Enter");
    assertThat(a.locator("#context-text")).hasText("Editing message");
    assertThat(a.locator("#input")).hasValue("keyboard only");
    a.locator("#input").press("Escape");
    assertThat(a.locator("#composer-context")).isHidden();
  }
}
