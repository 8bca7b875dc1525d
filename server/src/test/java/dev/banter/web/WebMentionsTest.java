package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Mentions in the browser (SPEC §8): "@" in a composer offers the room's members and @room/@here
 * (arrow keys, Enter, Tab, click), a mention of me is highlighted, and the room list counts the
 * unread messages that mention me.
 */
class WebMentionsTest extends WebRoomTestBase {
  private static Locator message(Page page, String text) {
    return messages(page).filter(new Locator.FilterOptions().setHasText(text));
  }

  private static Locator suggestions(Page page) {
    return page.locator("#composer [role=listbox] [role=option]");
  }

  /** The room opened with its member list loaded (which the suggestions come from). */
  @Override
  Page open(Account who) {
    Page page = super.open(who);
    assertThat(page.locator("#member-list .member")).not().hasCount(0);
    return page;
  }

  /** The first letters of a username: enough to tell it from every other member. */
  private static String start(Account who) {
    return who.username().substring(0, 3);
  }

  @Test
  void typingAtAndTheStartOfANameOffersThatMemberAndEnterInsertsTheUsername() {
    Page a = open(alice);
    Locator input = a.locator("#input");
    input.pressSequentially("hello @" + start(bob));

    assertThat(suggestions(a)).hasCount(1);
    assertThat(suggestions(a).first().locator(".mention-username")).hasText("@" + bob.username());
    assertThat(input).hasAttribute("aria-expanded", "true");
    input.press("Enter");

    assertThat(input).hasValue("hello @" + bob.username() + " ");
    assertThat(a.locator("#composer [role=listbox]")).isHidden();
    assertThat(message(a, "hello @")).hasCount(0); // Enter picked; it did not send
    input.pressSequentially("are you there?");
    input.press("Enter");
    assertThat(message(a, "are you there?").locator(".mention")).hasText("@" + bob.username());
  }

  @Test
  void aBareAtOffersTheOtherMembersThenRoomAndHereAndArrowsAndTabPick() {
    Page a = open(alice);
    Locator input = a.locator("#input");
    input.pressSequentially("@");

    assertThat(suggestions(a).locator(".mention-username"))
        .hasText(new String[] {"@" + bob.username(), "@room", "@here"});
    assertThat(suggestions(a).first()).hasAttribute("aria-selected", "true");
    input.press("ArrowDown");
    assertThat(suggestions(a).nth(1)).hasAttribute("aria-selected", "true");
    assertThat(input)
        .hasAttribute("aria-activedescendant", suggestions(a).nth(1).getAttribute("id"));
    input.press("ArrowDown");
    input.press("ArrowDown"); // wraps round to the first
    assertThat(suggestions(a).first()).hasAttribute("aria-selected", "true");
    input.press("ArrowUp");
    input.press("Tab");
    assertThat(input).hasValue("@here ");
    assertThat(input).isFocused();
  }

  @Test
  void aDisplayNameMatchesAndAClickPicksTheMember() {
    Account carol = api.register("carol");
    api.patch("/api/v1/users/me", Map.of("display_name", "Carol Danvers"), carol.accessToken());
    api.invite(alice, room, carol);
    Page a = open(alice);
    Locator input = a.locator("#input");
    input.pressSequentially("ask @dan");

    assertThat(suggestions(a)).hasCount(1);
    assertThat(suggestions(a).locator(".mention-name")).hasText("Carol Danvers");
    suggestions(a).click();

    assertThat(input).hasValue("ask @" + carol.username() + " ");
    assertThat(input).isFocused();
  }

  @Test
  void escapeClosesTheSuggestionsAndNothingIsOfferedForAnEmailAddress() {
    Page a = open(alice);
    Locator input = a.locator("#input");
    input.pressSequentially("@" + start(bob));
    assertThat(suggestions(a)).hasCount(1);
    input.press("Escape");
    assertThat(a.locator("#composer [role=listbox]")).isHidden();
    assertThat(input).hasValue("@" + start(bob));

    input.fill("");
    input.pressSequentially("mail me at me@" + start(bob));
    assertThat(a.locator("#composer [role=listbox]")).isHidden();
    input.press("Enter"); // no list open: Enter sends
    assertThat(message(a, "mail me at me@")).hasCount(1);
  }

  @Test
  void myNameAndRoomAreHighlightedForMeAndAnotherNameIsNot() {
    api.say(bob, room, "thanks @" + alice.username() + " for the review");
    api.say(bob, room, "@room standup in five");
    api.say(bob, room, "cc @someone_else");
    Page a = open(alice);

    assertThat(message(a, "for the review").locator(".mention-me")).hasText("@" + alice.username());
    assertThat(message(a, "standup in five").locator(".mention-me")).hasText("@room");
    assertThat(message(a, "cc @someone_else").locator(".mention")).hasCount(1);
    assertThat(message(a, "cc @someone_else").locator(".mention-me")).hasCount(0);

    Page b = open(bob);
    assertThat(message(b, "for the review").locator(".mention")).hasCount(1);
    assertThat(message(b, "for the review").locator(".mention-me")).hasCount(0);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aMessageMentioningMeIsMarkedAndItsRoomCountsMentionsApartFromUnread() {
    Page a = signedIn(alice);
    openRoom(a, "general");
    api.say(bob, room, "no mention here");
    api.say(bob, room, "@" + alice.username() + " can you look?");

    Locator entry = a.locator("#sidebar [data-room-id='" + room + "']");
    assertThat(entry.locator(".mention-badge")).hasText("@1");
    assertThat(entry.locator(".mention-badge")).hasAttribute("aria-label", "1 mention");
    assertThat(entry.locator(".badge:not(.mention-badge)")).hasText("2");

    a.reload(); // the server's mention_count, not only the live count
    assertThat(entry.locator(".mention-badge")).hasText("@1");

    openRoom(a, room);
    assertThat(entry.locator(".badge")).hasCount(0);
    assertThat(message(a, "can you look?")).hasClass(Pattern.compile("mentions-me"));
    assertThat(message(a, "no mention here")).not().hasClass(Pattern.compile("mentions-me"));
  }

  @Test
  void theThreadComposerOffersMentionsToo() {
    api.say(bob, room, "a thread about mentions");
    Page a = open(alice);
    Locator m = message(a, "a thread about mentions");
    m.hover();
    m.getByLabel("Reply in thread").click();
    Locator input = a.locator("#thread-input");
    assertThat(input).isFocused();
    input.pressSequentially("@" + start(bob));
    Locator options = a.locator("#thread-composer [role=option]");
    assertThat(options).hasCount(1);
    input.press("Enter");
    assertThat(input).hasValue("@" + bob.username() + " ");
  }
}
