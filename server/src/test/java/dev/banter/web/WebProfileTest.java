package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Profile and account (#21, item 2): an avatar picked in the profile dialog reaches every other
 * user's screen, the password change, the sessions list that signs other browsers out, and the
 * profile cards of other users.
 */
class WebProfileTest extends WebRoomTestBase {

  private static Locator dialog(Page page) {
    return page.locator("dialog.profile");
  }

  private static Locator openProfile(Page page) {
    page.locator("#btn-profile").click();
    Locator d = dialog(page);
    assertThat(d).isVisible();
    return d;
  }

  private Account signInAgain(Account who) {
    return Api.account(
        Api.expect(
            api.post(
                "/api/v1/auth/login",
                Map.of("username", who.username(), "password", who.password()),
                null),
            200),
        who.password());
  }

  /** Waits until the image {@code selector} names has loaded with real pixels. */
  private static void loaded(Page page, String selector) {
    page.waitForFunction(
        "s => { const i = document.querySelector(s); return !!i && i.complete && i.naturalWidth > 0; }",
        selector);
  }

  @Test
  void anAvatarPickedInTheDialogIsCutToASquareAndBobSeesItInMessagesAndMembers() {
    Page a = open(alice);
    Locator d = openProfile(a);
    d.getByLabel("Choose an avatar image")
        .setInputFiles(new FilePayload("holiday.png", "image/png", Api.png(400, 300, Color.RED)));
    assertThat(d.locator(".avatar-note")).hasText("The new avatar will be used when you save.");
    d.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
    assertThat(dialog(a)).hasCount(0);

    String url = api.get("/api/v1/users/me", alice.accessToken()).json().get("avatar_url").asText();
    assertThat(url).matches("/api/v1/avatars/[A-Za-z0-9_-]{24}");
    // the file behind it: a ≤256 px square the browser made, loadable with no token at all
    Api.Reply raw = api.get(url, null);
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.header("Content-Type")).isIn("image/webp", "image/png");
    assertThat(api.get("/api/v1/avatars/" + "Q".repeat(24), null).status()).isEqualTo(404);

    api.say(alice, room, "new face");
    Page b = open(bob);
    String inMessages = "#messages li.msg img.avatar[src='" + url + "']";
    loaded(b, inMessages);
    Object size =
        b.evaluate(
            "s => { const i = document.querySelector(s); return [i.naturalWidth, i.naturalHeight]; }",
            inMessages);
    assertThat(size.toString()).isEqualTo("[256, 256]");
    loaded(b, "#member-list [data-username='" + alice.username() + "'] img.avatar");
    assertThat(b.locator("#member-list [data-username='" + alice.username() + "'] img.avatar"))
        .hasAttribute("src", url);

    // removing it retires the key: the old URL is gone for everyone
    Locator again = openProfile(a);
    again
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove avatar"))
        .click();
    again.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
    assertThat(dialog(a)).hasCount(0);
    assertThat(a.locator("#me-bar img.avatar")).hasCount(0);
    assertThat(api.get(url, null).status()).isEqualTo(404);
  }

  @Test
  void aFileThatIsNotAnImageIsRefusedAndNothingChanges() {
    Page a = signedIn(alice);
    Locator d = openProfile(a);
    d.getByLabel("Choose an avatar image")
        .setInputFiles(
            new FilePayload("notes.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(d.locator(".avatar-note")).hasText("Choose a PNG, JPEG, WebP or GIF image.");
    d.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
    assertThat(dialog(a)).hasCount(0);
    JsonNode me = api.get("/api/v1/users/me", alice.accessToken()).json();
    assertThat(me.get("avatar_url").isNull()).isTrue();
  }

  @Test
  void thePasswordChangesWithTheCurrentOneAndAWrongOneIsShown() {
    Account laptop = signInAgain(alice);
    Page a = signedIn(alice);
    Locator d = openProfile(a);
    d.getByLabel("Current password").fill("not my password");
    d.getByLabel("New password").fill("a much better password");
    d.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Change password")).click();
    assertThat(d.locator(".profile-password .error")).hasText("The current password is wrong.");

    d.getByLabel("Current password").fill(alice.password());
    d.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Change password")).click();
    assertThat(d.locator(".profile-password .success"))
        .hasText("Your password was changed. Every other session was signed out.");
    assertThat(d.locator(".profile-password .error")).isEmpty();
    // the other sign-in ended; the new password works
    assertThat(api.get("/api/v1/auth/me", laptop.accessToken()).status()).isEqualTo(401);
    Api.expect(
        api.post(
            "/api/v1/auth/login",
            Map.of("username", alice.username(), "password", "a much better password"),
            null),
        200);
    // and this page is still signed in
    assertThat(a.locator("#conn")).hasText("Connected");
    assertThat(d.locator(".session")).hasCount(1);
  }

  @Test
  void theSessionsListShowsThisDeviceAndSignsAnotherBrowserOut() {
    Account other = signInAgain(alice);
    Page second = signedIn(other);
    Page first = signedIn(alice);
    Locator d = openProfile(first);
    Locator sessions = d.locator(".session");
    assertThat(sessions).hasCount(2);
    Locator here = d.locator(".session.current");
    assertThat(here).hasCount(1);
    assertThat(here.locator(".session-here")).hasText("This device");
    assertThat(here.locator(".session-details")).containsText("127.0.0.1");
    // the second browser's session (signed in by the API, so its device is that client's name)
    Locator theirs = d.locator(".session:not(.current)");
    theirs.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sign out")).click();
    assertThat(d.locator(".profile-sessions .success")).hasText("That session was signed out.");
    assertThat(sessions).hasCount(1);

    assertThat(second.locator("#auth-title")).hasText("Sign in to Banter");
    assertThat(second.locator(".notice")).hasText("Your session has ended. Please sign in again.");
    assertThat(first.locator("#conn")).hasText("Connected");
  }

  @Test
  void signOutEverywhereElseAndEverywhere() {
    Account tablet = signInAgain(alice);
    Account phone = signInAgain(alice);
    Page onTablet = signedIn(tablet);
    Page onPhone = signedIn(phone);
    Page first = signedIn(alice);
    Locator d = openProfile(first);
    assertThat(d.locator(".session")).hasCount(3);
    d.getByRole(
            AriaRole.BUTTON,
            new Locator.GetByRoleOptions().setName("Sign out everywhere else").setExact(true))
        .click();
    assertThat(d.locator(".profile-sessions .success"))
        .hasText("2 other sessions were signed out.");
    assertThat(d.locator(".session")).hasCount(1);
    assertThat(onTablet.locator("#auth-title")).hasText("Sign in to Banter");
    assertThat(onPhone.locator("#auth-title")).hasText("Sign in to Banter");
    assertThat(first.locator("#conn")).hasText("Connected");

    Account laptop = signInAgain(alice);
    d.getByRole(
            AriaRole.BUTTON,
            new Locator.GetByRoleOptions().setName("Sign out everywhere").setExact(true))
        .click();
    Locator confirm =
        first
            .locator("dialog")
            .filter(new Locator.FilterOptions().setHasText("Sign out everywhere?"));
    confirm
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sign out everywhere"))
        .click();
    assertThat(first.locator("#auth-title")).hasText("Sign in to Banter");
    assertThat(api.get("/api/v1/auth/me", laptop.accessToken()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/auth/me", alice.accessToken()).status()).isEqualTo(401);
  }

  @Test
  void clickingAnAuthorOpensTheirCardWhichMessagesThemAndEscapeCloses() {
    String avatar = api.giveAvatar(alice);
    Api.expect(
        api.patch("/api/v1/users/me", Map.of("status_text", "at the seaside"), alice.accessToken()),
        200);
    Page a = open(alice); // alice is online and shares the room with bob
    Page b = open(bob);
    assertThat(a.locator("#conn")).hasText("Connected");
    api.say(alice, room, "hello from alice");
    Locator author = messages(b).last().locator("button.author");
    assertThat(author).hasText(alice.username());
    author.focus();
    b.keyboard().press("Enter"); // keyboard reachable
    Locator card = b.locator("dialog.profile-card");
    assertThat(card).isVisible();
    assertThat(card.locator(".profile-card-name")).hasText(alice.username());
    assertThat(card.locator(".profile-card-handle")).hasText("@" + alice.username());
    assertThat(card.locator(".profile-card-status")).hasText("at the seaside");
    assertThat(card.locator(".profile-card-presence")).hasText("Online");
    assertThat(card.locator("img.avatar")).hasAttribute("src", avatar);
    b.keyboard().press("Escape");
    assertThat(card).hasCount(0);
    assertThat(author).isFocused();

    // from the members panel: the status under the name, cut with the whole of it in its title
    Locator member = b.locator("#member-list [data-username='" + alice.username() + "']");
    assertThat(member.locator(".member-status")).hasText("at the seaside");
    assertThat(member.locator(".member-status")).hasAttribute("title", "at the seaside");
    member.locator("button.member-name").click();
    assertThat(card).isVisible();
    card.getByRole(
            AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Message " + alice.username()))
        .click();
    assertThat(card).hasCount(0);
    assertThat(b.locator("#room-name")).hasText("@" + alice.username());
  }

  @Test
  void aCardShowsOnlyWhatTheServerTellsAboutSomeoneWhoSharesNoRoom() {
    Account stranger = api.register("stranger");
    Api.expect(api.post("/api/v1/rooms/general/leave", Map.of(), stranger.accessToken()), 204);
    Page b = signedIn(bob);
    b.evaluate(
        "async (u) => { const m = await import('/js/views/profile.js'); m.openProfileCard(u); }",
        stranger.username());
    Locator card = b.locator("dialog.profile-card");
    assertThat(card.locator(".profile-card-handle")).hasText("@" + stranger.username());
    // the server hides their presence from bob: the card claims nothing
    assertThat(card.locator(".profile-card-presence")).hasText("Not seen recently");
    assertThat(
            card.getByRole(
                AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Message " + stranger.username())))
        .isVisible();
  }
}
