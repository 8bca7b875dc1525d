package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rooms, direct messages, the profile and the phone layout. */
class WebRoomsTest extends WebTestBase {

  @Test
  void creatingARoomOpensItWithItsTopic() {
    Account alice = api.register("creator");
    Page page = signedIn(alice);
    String name = Api.uniqueName("plans");
    page.getByText("+ New room").click();
    page.getByLabel("Name").fill(name);
    page.getByLabel("Topic (optional)").fill("where we plan things");
    page.getByLabel("Name").press("Enter");
    assertThat(page.locator("#room-name")).hasText("# " + name);
    assertThat(page.locator("#room-topic")).hasText("where we plan things");
    JsonNode rooms = api.get("/api/v1/rooms", alice.accessToken()).json().get("rooms");
    assertThat(rooms.findValuesAsText("name")).contains(name);
  }

  @Test
  void thePublicRoomBrowserJoinsARoom() {
    Account owner = api.register("owner");
    Account bob = api.register("browser");
    String roomId = api.createRoom(owner, "public");
    String name =
        api.get("/api/v1/rooms/" + roomId, owner.accessToken()).json().get("name").asText();
    Page page = signedIn(bob);
    page.getByText("Browse rooms").click();
    page.getByLabel("Search public rooms").fill(name);
    page.getByLabel("Join " + name).click();
    assertThat(page.locator("#room-name")).hasText("# " + name);
    assertThat(page.locator("#sidebar [data-room-id='" + roomId + "']"))
        .hasAttribute("aria-current", "page");
    assertThat(
            api.get("/api/v1/rooms/" + roomId + "/members", owner.accessToken())
                .json()
                .get("members")
                .findValuesAsText("username"))
        .contains(bob.username());
  }

  @Test
  void aDirectMessageStartsFromTheMembersPanelAndReachesThePeer() {
    Account alice = api.register("dma");
    Account bob = api.register("dmb");
    Page a = signedIn(alice);
    Page b = signedIn(bob);
    openRoom(b, "general");
    Locator aliceInPanel = b.locator("#member-list [data-username='" + alice.username() + "']");
    assertThat(aliceInPanel.locator(".dot")).hasAttribute("aria-label", "online");
    aliceInPanel.getByLabel("Message " + alice.username()).click();
    assertThat(b.locator("#room-name")).hasText("@" + alice.username());
    b.locator("#input").fill("psst");
    b.locator("#input").press("Enter");
    Locator dm =
        a.locator("#dm-list button")
            .filter(new Locator.FilterOptions().setHasText("@" + bob.username()));
    assertThat(dm.locator(".badge")).hasText("1");
    dm.click();
    assertThat(messages(a).filter(new Locator.FilterOptions().setHasText("psst"))).hasCount(1);
  }

  @Test
  void aDirectMessageStartsFromUserSearch() {
    Account alice = api.register("searcher");
    Account carol = api.register("findme");
    Page a = signedIn(alice);
    a.locator("#btn-dm").click();
    a.getByLabel("Search people").fill(carol.username());
    a.locator("dialog").getByLabel("Message " + carol.username()).click();
    assertThat(a.locator("#room-name")).hasText("@" + carol.username());
  }

  @Test
  void presenceDotsFollowTheOtherUser() {
    Account alice = api.register("watcher");
    Account bob = api.register("comer");
    Page a = signedIn(alice);
    openRoom(a, "general");
    Locator dot = a.locator("#member-list [data-username='" + bob.username() + "'] .dot");
    assertThat(dot).hasAttribute("aria-label", "offline");
    Page b = signedIn(bob);
    assertThat(dot).hasAttribute("aria-label", "online");
    b.context().close();
    assertThat(dot).hasAttribute("aria-label", "offline");
  }

  @Test
  void theProfileCanBeEdited() {
    Account alice = api.register("profile");
    Page page = signedIn(alice);
    page.getByText("Profile", new Page.GetByTextOptions().setExact(true)).click();
    page.getByLabel("Display name").fill("Alice Wonder");
    page.getByLabel("Status").fill("down the rabbit hole");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
    assertThat(page.locator("#me-bar")).containsText("Alice Wonder");
    assertThat(page.locator("#me-bar")).containsText("down the rabbit hole");
    JsonNode me = api.get("/api/v1/users/me", alice.accessToken()).json();
    assertThat(me.get("display_name").asText()).isEqualTo("Alice Wonder");
    assertThat(me.get("status_text").asText()).isEqualTo("down the rabbit hole");
  }

  @Test
  void anAvatarOfThisServerIsShownInTheMessageList() {
    Account alice = api.register("avatar");
    Page page = signedIn(alice);
    String avatar = api.giveAvatar(alice); // the profile dialog's own upload: WebProfileTest
    api.say(alice, "general", "with avatar");
    assertThat(page.locator("#messages img.avatar").last()).hasAttribute("src", avatar);
  }

  @Test
  void aDisplayNameThatIsNotTheUsernameShowsTheHandleBesideIt() {
    Account admin = api.register("realadmin");
    Account pretender = api.register("pretender");
    api.patch(
        "/api/v1/users/me", Map.of("display_name", admin.username()), pretender.accessToken());
    Page page = signedIn(admin);
    api.say(pretender, "general", "trust me");
    Locator head =
        page.locator("#messages li.msg:not(.grouped)")
            .filter(new Locator.FilterOptions().setHas(page.getByText("trust me")))
            .locator(".msg-head");
    assertThat(head.locator(".author")).hasText(admin.username());
    assertThat(head.locator(".handle")).hasText("@" + pretender.username());
    api.say(admin, "general", "the real one");
    Locator mine =
        page.locator("#messages li.msg:not(.grouped)")
            .filter(new Locator.FilterOptions().setHas(page.getByText("the real one")))
            .locator(".msg-head .handle");
    assertThat(mine).hasText("");
  }

  @Test
  void onAPhoneTheRoomListHidesBehindAToggle() {
    Account alice = api.register("phone");
    Page page = signedIn(alice, 375, 740);
    assertThat(page.locator("#sidebar")).isHidden();
    Locator toggle = page.getByLabel("Show rooms");
    assertThat(toggle).isVisible();
    assertThat(toggle).hasAttribute("aria-expanded", "false");
    toggle.click();
    assertThat(page.locator("#sidebar")).isVisible();
    assertThat(toggle).hasAttribute("aria-expanded", "true");
    page.locator("#sidebar [data-room-id='general']").click();
    assertThat(page.locator("#sidebar")).isHidden();
    assertThat(page.locator("#input")).isVisible();
    double width = ((Number) page.evaluate("document.documentElement.scrollWidth")).doubleValue();
    assertThat(width).isLessThanOrEqualTo(375);
  }
}
