package dev.banter.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.banter.support.Api;
import dev.banter.support.Api.Account;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Running rooms from the browser (#21, item 1): a private room and an invite by autocomplete that
 * the invitee sees live; the settings dialog (rename, topic, visibility, delete) seen live by the
 * other members; leaving, with the last owner told why not; removing members and changing roles
 * from the members panel; the controls a role does not allow are not offered; and a page whose role
 * changed behind its back shows the server's 403.
 */
class WebRoomAdminTest extends WebTestBase {
  /** The first account of the server, so a global admin (registered before any test's users). */
  private Account siteAdmin;

  @BeforeAll
  void theFirstAccountIsTheGlobalAdmin() {
    siteAdmin = api.register("siteadmin");
    assertThat(siteAdmin.user().get("role").asText()).isEqualTo("admin");
  }

  // ---- helpers ----

  private String nameOf(String roomId, Account who) {
    return api.get("/api/v1/rooms/" + roomId, who.accessToken()).json().get("name").asText();
  }

  private JsonNode roomOf(String roomId, Account who) {
    return api.get("/api/v1/rooms/" + roomId, who.accessToken()).json();
  }

  private List<String> memberNames(String roomId, Account who) {
    return api.get("/api/v1/rooms/" + roomId + "/members", who.accessToken())
        .json()
        .get("members")
        .findValuesAsText("username");
  }

  private void setRole(String roomId, Account owner, Account who, String role) {
    Api.expect(
        api.patch(
            "/api/v1/rooms/" + roomId + "/members/" + who.username(),
            Map.of("role", role),
            owner.accessToken()),
        200);
  }

  private Page open(Account who, String roomId) {
    Page page = signedIn(who);
    openRoom(page, roomId);
    return page;
  }

  private static Locator member(Page page, Account who) {
    return page.locator("#member-list [data-username='" + who.username() + "']");
  }

  private static Locator roomButton(Page page, String roomId) {
    return page.locator("#sidebar [data-room-id='" + roomId + "']");
  }

  private static Locator dialog(Page page, String title) {
    return page.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName(title));
  }

  private static Locator button(Locator in, String name) {
    return in.getByRole(
        AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
  }

  private static Locator settings(Page page, String name) {
    page.locator("#room-settings").click();
    Locator d = dialog(page, "Settings of # " + name);
    assertThat(d).isVisible();
    return d;
  }

  // ---- tests ----

  @Test
  void aPrivateRoomGetsAnInviteeChosenByAutocompleteWhoSeesItLive() {
    Account owner = api.register("host");
    Account first = api.register("ivy");
    Account second = api.register("ivy");
    List<String> ivies = List.of(first.username(), second.username()).stream().sorted().toList();
    Page o = signedIn(owner);
    Page invitee = signedIn(second);
    String name = Api.uniqueName("secret");

    o.getByText("+ New room").click();
    o.getByLabel("Name").fill(name);
    o.getByLabel("Private — invite only").check();
    o.getByLabel("Name").press("Enter");
    assertThat(o.locator("#room-name")).hasText("# " + name);
    JsonNode created = null;
    for (JsonNode r : api.get("/api/v1/rooms", owner.accessToken()).json().get("rooms")) {
      if (r.get("name").asText().equals(name)) {
        created = r;
      }
    }
    assertThat(created).isNotNull();
    String roomId = created.get("id").asText();
    assertThat(created.get("visibility").asText()).isEqualTo("private");
    assertThat(roomButton(invitee, roomId)).hasCount(0);

    o.locator("#members-invite").click();
    Locator d = dialog(o, "Invite people to # " + name);
    Locator input =
        d.getByRole(AriaRole.COMBOBOX, new Locator.GetByRoleOptions().setName("Username"));
    assertThat(input).isFocused();
    input.pressSequentially("ivy_");
    Locator list =
        o.getByRole(AriaRole.LISTBOX, new Page.GetByRoleOptions().setName("People to invite"));
    Locator options = list.getByRole(AriaRole.OPTION);
    assertThat(options).hasCount(2);
    assertThat(input).hasAttribute("aria-expanded", "true");
    assertThat(options.nth(0)).hasAttribute("data-username", ivies.get(0));
    assertThat(options.nth(1)).hasAttribute("data-username", ivies.get(1));
    assertThat(o.locator(".invite-option[aria-selected='true']")).hasCount(0);

    input.press("ArrowDown");
    assertThat(options.nth(0)).hasAttribute("aria-selected", "true");
    assertThat(input).hasAttribute("aria-activedescendant", options.nth(0).getAttribute("id"));
    input.press("ArrowDown");
    assertThat(options.nth(1)).hasAttribute("aria-selected", "true");
    input.press("ArrowDown"); // wraps
    assertThat(options.nth(0)).hasAttribute("aria-selected", "true");

    input.press("Escape"); // closes the list, not the dialog
    assertThat(list).isHidden();
    assertThat(input).hasAttribute("aria-expanded", "false");
    assertThat(d).isVisible();

    input.press("ArrowDown"); // asks again
    assertThat(options).hasCount(2);
    int target = ivies.indexOf(second.username());
    for (int i = 0; i <= target; i++) {
      input.press("ArrowDown");
    }
    assertThat(options.nth(target)).hasAttribute("aria-selected", "true");
    input.press("Enter"); // takes the suggestion
    assertThat(input).hasValue(second.username());
    assertThat(list).isHidden();
    input.press("Enter"); // invites
    assertThat(d.getByRole(AriaRole.STATUS)).hasText(second.username() + " was added to the room.");
    assertThat(input).hasValue("");
    assertThat(member(o, second)).isVisible();

    // the invitee's page shows the room at once, and says who added them
    assertThat(roomButton(invitee, roomId)).hasText("# " + name);
    assertThat(invitee.locator("#room-notice span"))
        .hasText(owner.username() + " added you to # " + name + ".");
    assertThat(memberNames(roomId, owner)).contains(second.username());

    // a member is no longer suggested
    input.pressSequentially("ivy_");
    assertThat(options).hasCount(1);
    assertThat(options.nth(0)).hasAttribute("data-username", first.username());

    input.press("Escape");
    input.press("Escape");
    assertThat(d).hasCount(0);
    assertThat(o.locator("#members-invite")).isFocused();
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void theSettingsRenameSetTheTopicAndCloseTheRoomLiveForTheOtherMembers() {
    Account owner = api.register("setter");
    Account bob = api.register("reader");
    String roomId = api.createRoom(owner, "public");
    api.invite(owner, roomId, bob);
    String name = nameOf(roomId, owner);
    Page o = open(owner, roomId);
    Page b = open(bob, roomId);
    assertThat(b.locator("#members-invite")).isVisible(); // any member invites to a public room
    String renamed = Api.uniqueName("renamed");

    Locator d = settings(o, name);
    assertThat(d.getByLabel("Name")).hasValue(name);
    assertThat(d.getByLabel("Public — anyone can find and join")).isChecked();
    d.getByLabel("Name").fill(renamed);
    d.getByLabel("Topic").fill("quarterly plans");
    d.getByLabel("Private — invite only").check();
    button(d, "Save").click();
    assertThat(d).hasCount(0);
    assertThat(o.locator("#room-settings")).isFocused();
    assertThat(o.locator("#room-name")).hasText("# " + renamed);

    // bob sees it without reloading
    assertThat(b.locator("#room-name")).hasText("# " + renamed);
    assertThat(b.locator("#room-topic")).hasText("quarterly plans");
    assertThat(roomButton(b, roomId)).hasText("# " + renamed);
    assertThat(b.locator("#members-invite")).hasCount(0); // private now: owners and admins only
    JsonNode room = roomOf(roomId, bob);
    assertThat(room.get("name").asText()).isEqualTo(renamed);
    assertThat(room.get("topic").asText()).isEqualTo("quarterly plans");
    assertThat(room.get("visibility").asText()).isEqualTo("private");
    Locator seen = settings(b, renamed);
    assertThat(seen.getByLabel("Private — invite only")).isChecked();
    assertThat(seen.getByLabel("Topic")).hasValue("quarterly plans");
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void deletingNamesTheRoomAndTakesItFromEveryMember() {
    Account owner = api.register("deleter");
    Account bob = api.register("bystander");
    String roomId = api.createRoom(owner, "public");
    api.invite(owner, roomId, bob);
    String name = nameOf(roomId, owner);
    Page o = open(owner, roomId);
    Page b = open(bob, roomId);

    Locator d = settings(o, name);
    button(d, "Delete room…").click();
    Locator confirm = dialog(o, "Delete # " + name + "?");
    assertThat(confirm).containsText("# " + name + " and all its messages and files");
    assertThat(button(confirm, "Cancel")).isFocused();
    button(confirm, "Cancel").click();
    assertThat(confirm).hasCount(0);
    assertThat(roomOf(roomId, owner).get("id").asText()).isEqualTo(roomId);

    button(d, "Delete room…").click();
    button(confirm, "Delete # " + name).click();
    assertThat(o.getByRole(AriaRole.DIALOG)).hasCount(0);
    assertThat(roomButton(o, roomId)).hasCount(0);
    assertThat(o.locator("#room-notice span")).hasText("# " + name + " was deleted.");
    assertThat(roomButton(b, roomId)).hasCount(0);
    assertThat(b.locator("#room-notice span")).hasText("# " + name + " was deleted.");
    assertThat(b.locator("#room-name")).not().hasText("# " + name);
    assertThat(api.get("/api/v1/rooms/" + roomId, owner.accessToken()).status()).isEqualTo(404);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aGlobalAdminWhoIsAPlainMemberMayDeleteButNotEdit() {
    Account owner = api.register("ownerofit");
    String roomId = api.createRoom(owner, "public");
    api.invite(owner, roomId, siteAdmin);
    String name = nameOf(roomId, owner);
    Page a = open(siteAdmin, roomId);

    Locator d = settings(a, name);
    assertThat(d.getByLabel("Name")).isDisabled();
    assertThat(d.getByLabel("Topic")).isDisabled();
    assertThat(d).containsText("Only the room’s owners and admins can change these.");
    assertThat(button(d, "Save")).hasCount(0);
    button(d, "Delete room…").click();
    button(dialog(a, "Delete # " + name + "?"), "Delete # " + name).click();
    assertThat(roomButton(a, roomId)).hasCount(0);
    assertThat(api.get("/api/v1/rooms/" + roomId, owner.accessToken()).status()).isEqualTo(404);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void leavingAsksFirstAndTheLastOwnerIsToldWhyNot() {
    Account owner = api.register("lastowner");
    Account bob = api.register("leaver");
    String roomId = api.createRoom(owner, "public");
    api.invite(owner, roomId, bob);
    String name = nameOf(roomId, owner);
    Page o = open(owner, roomId);
    Page b = open(bob, roomId);

    Locator d = settings(o, name);
    button(d, "Leave room…").click();
    Locator confirm = dialog(o, "Leave # " + name + "?");
    button(confirm, "Leave").click();
    assertThat(confirm.getByRole(AriaRole.ALERT))
        .hasText(
            "Could not leave the room: the last owner cannot leave; make someone else owner first");
    assertThat(confirm).isVisible();
    button(confirm, "Cancel").click();
    assertThat(memberNames(roomId, owner)).contains(owner.username());

    Locator mine = settings(b, name);
    button(mine, "Leave room…").click();
    Locator sure = dialog(b, "Leave # " + name + "?");
    assertThat(sure).containsText("you can join it again from “Browse rooms”");
    button(sure, "Leave").click();
    assertThat(b.getByRole(AriaRole.DIALOG)).hasCount(0);
    assertThat(roomButton(b, roomId)).hasCount(0);
    assertThat(b.locator("#room-notice span")).hasText("You left # " + name + ".");
    assertThat(member(o, bob)).hasCount(0); // live user_left on the owner's page
    assertThat(memberNames(roomId, owner)).doesNotContain(bob.username());
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void theOwnerChangesRolesAndRemovesMembersFromTheMembersPanel() {
    Account owner = api.register("boss");
    Account bob = api.register("deputy");
    Account carol = api.register("kicked");
    Account dave = api.register("regular");
    String roomId = api.createRoom(owner, "private");
    api.invite(owner, roomId, bob);
    api.invite(owner, roomId, carol);
    api.invite(owner, roomId, dave);
    String name = nameOf(roomId, owner);
    Page o = open(owner, roomId);
    Page c = open(carol, roomId);

    member(o, bob).getByLabel("Change the role of " + bob.username()).click();
    Locator roles = dialog(o, "Role of " + bob.username() + " in # " + name);
    assertThat(roles.locator("input[value='member']")).isChecked();
    assertThat(roles.locator("input[value='member']")).isFocused();
    roles.locator("input[value='admin']").check();
    button(roles, "Save").click();
    assertThat(roles).hasCount(0);
    assertThat(member(o, bob).locator(".role")).hasText("admin");
    assertThat(o.locator("[data-focus-key='role:" + bob.username() + "']")).isFocused();
    assertThat(roomOf(roomId, bob).get("my_role").asText()).isEqualTo("admin");

    member(o, carol).getByLabel("Remove " + carol.username() + " from the room").click();
    Locator confirm = dialog(o, "Remove " + carol.username() + "?");
    assertThat(confirm).containsText(carol.username() + " will be removed from # " + name);
    button(confirm, "Cancel").click();
    assertThat(member(o, carol)).isVisible();
    member(o, carol).getByLabel("Remove " + carol.username() + " from the room").click();
    button(confirm, "Remove").click();
    assertThat(member(o, carol)).hasCount(0);
    assertThat(memberNames(roomId, owner)).doesNotContain(carol.username());
    // carol's page loses the room and says who removed her
    assertThat(roomButton(c, roomId)).hasCount(0);
    assertThat(c.locator("#room-notice span"))
        .hasText(owner.username() + " removed you from # " + name + ".");

    // bob, now an admin, may remove a member but not the owner, and may not change roles
    Page b = open(bob, roomId);
    assertThat(member(b, dave).getByLabel("Remove " + dave.username() + " from the room"))
        .isVisible();
    assertThat(member(b, owner).locator(".member-remove")).hasCount(0);
    assertThat(b.locator("#member-list .member-role")).hasCount(0);
    assertThat(b.locator("#members-invite")).isVisible();
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aPlainMemberIsNotOfferedWhatTheirRoleDoesNotAllow() {
    Account owner = api.register("keeper");
    Account bob = api.register("plain");
    Account carol = api.register("other");
    String closed = api.createRoom(owner, "private");
    api.invite(owner, closed, bob);
    api.invite(owner, closed, carol);
    String name = nameOf(closed, owner);
    Page o = open(owner, closed);
    Page b = open(bob, closed);

    // the owner has every control
    assertThat(o.locator("#members-invite")).isVisible();
    assertThat(member(o, bob).locator(".member-remove")).isVisible();
    assertThat(member(o, bob).locator(".member-role")).isVisible();
    assertThat(member(o, owner).locator(".member-remove")).hasCount(0); // not oneself

    // bob, a member of a private room: no invite, no remove, no roles; settings read-only
    assertThat(member(b, carol)).isVisible();
    assertThat(b.locator("#members-invite")).hasCount(0);
    assertThat(b.locator("#member-list .member-remove")).hasCount(0);
    assertThat(b.locator("#member-list .member-role")).hasCount(0);
    assertThat(member(b, carol).getByLabel("Message " + carol.username())).isVisible();
    Locator d = settings(b, name);
    assertThat(d.getByLabel("Name")).isDisabled();
    assertThat(d.getByLabel("Topic")).isDisabled();
    assertThat(d.getByLabel("Private — invite only")).isDisabled();
    assertThat(button(d, "Save")).hasCount(0);
    assertThat(button(d, "Delete room…")).hasCount(0);
    assertThat(button(d, "Invite people…")).hasCount(0);
    assertThat(button(d, "Leave room…")).isVisible();
    assertThat(d).containsText("Your role here: member");
    d.locator(".dialog-actions").getByText("Close").click();
    assertThat(d).hasCount(0);
    assertThat(b.locator("#room-settings")).isFocused();

    // in a public room any member may invite
    String open = api.createRoom(owner, "public");
    api.invite(owner, open, bob); // arrives live (room_invited)
    openRoom(b, open);
    assertThat(b.locator("#members-invite")).isVisible();
    assertThat(b.locator("#member-list .member-remove")).hasCount(0);

    // a direct room has nothing to manage
    member(b, owner).getByLabel("Message " + owner.username()).click();
    assertThat(b.locator("#room-name")).hasText("@" + owner.username());
    assertThat(b.locator("#room-settings")).isHidden();
    assertThat(b.locator("#members-invite")).hasCount(0);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void aRemovalFromAStalePageShowsTheServersRefusalAndTheControlsFollow() {
    Account owner = api.register("demoter");
    Account bob = api.register("stale");
    Account carol = api.register("target");
    String roomId = api.createRoom(owner, "public");
    api.invite(owner, roomId, bob);
    api.invite(owner, roomId, carol);
    setRole(roomId, owner, bob, "admin");
    Page b = open(bob, roomId);
    Locator remove = member(b, carol).getByLabel("Remove " + carol.username() + " from the room");
    assertThat(remove).isVisible();

    setRole(roomId, owner, bob, "member"); // no event tells bob's page
    remove.click();
    Locator confirm = dialog(b, "Remove " + carol.username() + "?");
    button(confirm, "Remove").click();
    assertThat(confirm.getByRole(AriaRole.ALERT))
        .hasText(
            "Could not remove "
                + carol.username()
                + ": only the room's owners and admins can remove members");
    assertThat(confirm).isVisible();
    assertThat(memberNames(roomId, owner)).contains(carol.username());
    button(confirm, "Cancel").click();
    // the refusal made the page ask for its role again: the control is gone
    assertThat(b.locator("#member-list .member-remove")).hasCount(0);
    assertThat(pageErrors).isEmpty();
  }

  @Test
  void savingSettingsFromAStalePageShowsTheServersRefusal() {
    Account owner = api.register("revoker");
    Account bob = api.register("formeradmin");
    String roomId = api.createRoom(owner, "public");
    api.invite(owner, roomId, bob);
    setRole(roomId, owner, bob, "admin");
    String name = nameOf(roomId, owner);
    Page b = open(bob, roomId);
    Locator d = settings(b, name);
    assertThat(d.getByLabel("Name")).isEditable();

    setRole(roomId, owner, bob, "member");
    d.getByLabel("Name").fill(Api.uniqueName("hijack"));
    button(d, "Save").click();
    assertThat(d.getByRole(AriaRole.ALERT))
        .hasText("Could not save the room: only the room's owners and admins can change it");
    assertThat(d).isVisible();
    assertThat(nameOf(roomId, owner)).isEqualTo(name);
    button(d, "Cancel").click();
    Locator again = settings(b, name);
    assertThat(again.getByLabel("Name")).isDisabled();
    assertThat(again).containsText("Your role here: member");
    assertThat(pageErrors).isEmpty();
  }
}
