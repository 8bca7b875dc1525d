package dev.banter.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.support.Api.Account;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Guessing someone's password from one address spends that address's attempts for the name, not the
 * owner's: the owner, on their own address, still signs in with the right password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginLockoutTest {
  TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.SQLITE, Map.of("BANTER_AUTH_RATE", "30"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** POST /api/v1/auth/login from the loopback address {@code from}; the status code. */
  private int loginFrom(String from, String username, String password) throws IOException {
    byte[] body =
        ("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(from, 0));
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream status = new ByteArrayOutputStream();
      for (int c = in.read(); c != '\n' && c != -1; c = in.read()) {
        status.write(c);
      }
      return Integer.parseInt(status.toString(StandardCharsets.US_ASCII).split(" ")[1]);
    }
  }

  @Test
  void anAttackerOnAnotherAddressCannotLockTheOwnerOut() throws Exception {
    Account owner = server.api().register("target");
    int limited = 0;
    for (int i = 0; i < 40; i++) { // the per-address budget is BANTER_AUTH_RATE (30) a minute
      if (loginFrom("127.0.0.2", owner.username(), "wrong-guess-" + i) == 429) {
        limited++;
      }
    }
    assertThat(limited).as("the attacker's address is throttled for that name").isPositive();
    assertThat(loginFrom("127.0.0.2", owner.username(), owner.password())).isEqualTo(429);
    assertThat(loginFrom("127.0.0.1", owner.username(), owner.password())).isEqualTo(200);
  }
}
