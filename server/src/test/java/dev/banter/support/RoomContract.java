package dev.banter.support;

import dev.banter.support.Api.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The frame of the API contracts that run once per storage backend: one server per class, and for
 * each test three new people and a private room that alice owns, bob is a member of and carol is
 * not. The sockets a test opens with {@link #ws} are closed after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RoomContract {
  protected TestServer server;
  protected Api api;
  protected Account alice;
  protected Account bob;
  protected Account carol;
  protected String room;
  private final List<WsClient> open = new ArrayList<>();

  protected abstract Backend backend();

  /** The settings the class's server starts with. */
  protected Map<String, String> serverEnv() {
    return Map.of();
  }

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), serverEnv());
    api = server.api();
  }

  @BeforeEach
  void freshRoom() {
    alice = api.register("alice");
    bob = api.register("bob");
    carol = api.register("carol");
    room = api.createRoom(alice, "private");
    api.invite(alice, room, bob);
  }

  @AfterEach
  void closeSockets() {
    open.forEach(WsClient::close);
    open.clear();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A socket of {@code a}'s, past its {@code ready}. */
  protected WsClient ws(Account a) {
    WsClient c = WsClient.connect(server.baseUrl(), a.accessToken());
    open.add(c);
    c.await("ready");
    return c;
  }
}
