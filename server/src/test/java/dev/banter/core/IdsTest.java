package dev.banter.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void idsAreUrlSafeAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = Ids.newId();
      assertThat(id).matches("[0-9A-Z]{26}");
      assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
    }
  }

  @Test
  void anIdMadeInALaterMillisecondSortsAfterAnEarlierOne() {
    // What keeps a new message's index entry at the end of the primary key instead of on a random page.
    String first = Ids.newId();
    long madeAt = System.currentTimeMillis();
    String later = first;
    while (System.currentTimeMillis() <= madeAt + 1) { // two clock ticks on, whatever the clock's grain
      later = Ids.newId();
    }
    String last = Ids.newId();
    assertThat(later).isGreaterThan(first);
    assertThat(last).isGreaterThan(first);
  }

  @Test
  void secretsStayRandomAndFullLength() {
    assertThat(Ids.randomToken(32)).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(Ids.randomToken(32)).isNotEqualTo(Ids.randomToken(32));
  }
}
