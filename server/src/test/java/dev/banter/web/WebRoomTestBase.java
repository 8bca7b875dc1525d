package dev.banter.web;

import com.microsoft.playwright.Page;
import dev.banter.support.Api.Account;
import org.junit.jupiter.api.BeforeEach;

/** Browser tests of two users in one room, each opening it in a browser of their own. */
abstract class WebRoomTestBase extends WebTestBase {
  Account alice;
  Account bob;
  String room;

  @BeforeEach
  void twoUsersInARoom() {
    alice = api.register("alice");
    bob = api.register("bob");
    room = api.createRoom(alice, "public");
    api.invite(alice, room, bob);
  }

  Page open(Account who) {
    Page page = signedIn(who);
    openRoom(page, room);
    return page;
  }
}
