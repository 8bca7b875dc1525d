package dev.banter.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The private-address rule of outgoing requests (Web Push endpoints, webhooks). */
class PublicAddressesTest {
  private static boolean isPublic(String literal) throws Exception {
    return PublicAddresses.isPublic(InetAddress.getByName(literal));
  }

  @Test
  void loopbackPrivateLinkLocalAndOtherInsideAddressesAreNotPublic() throws Exception {
    for (String a :
        new String[] {
          "127.0.0.1",
          "10.0.0.1",
          "172.16.5.4",
          "172.31.255.255",
          "192.168.1.1",
          "169.254.169.254",
          "100.64.0.1",
          "0.0.0.0",
          "224.0.0.1",
          "255.255.255.255",
          "198.18.0.1",
          "::1",
          "::",
          "fe80::1",
          "fc00::1",
          "fd12:3456::1",
          "ff02::1",
          "::ffff:127.0.0.1",
          "::ffff:10.0.0.1",
          "64:ff9b::a00:1",
          "2002:7f00:1::",
          "2001:0:4136:e378::1"
        }) {
      assertThat(isPublic(a)).as(a).isFalse();
    }
  }

  @Test
  void addressesOfTheInternetArePublic() throws Exception {
    for (String a :
        new String[] {
          "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"
        }) {
      assertThat(isPublic(a)).as(a).isTrue();
    }
  }

  @Test
  void aUrlWhoseHostIsPrivateIsRefusedUnlessAllowed() {
    URI url = URI.create("https://127.0.0.1/push");
    assertThat(new PublicAddresses(false).refusal(url)).isPresent();
    assertThat(new PublicAddresses(true).refusal(url)).isEmpty();
    assertThat(new PublicAddresses(false).refusal(URI.create("https://[fd00::1]/x"))).isPresent();
    assertThat(new PublicAddresses(false).refusal(URI.create("mailto:x@y"))).isPresent();
  }
}
