package dev.banter.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
  void idsMadeInLaterMillisecondsSortAfterEarlierOnes() {
    // What keeps a new message's index entry at the end of the primary key instead of on a random
    // page.
    // One id in each of ten successive clock ticks: random ids would come out sorted once in 10!
    // tries.
    List<String> ids = new ArrayList<>();
    long tick = System.currentTimeMillis();
    while (ids.size() < 10) {
      long now = System.currentTimeMillis();
      if (now > tick) {
        ids.add(Ids.newId());
        tick = now;
      }
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void secretsStayRandomAndFullLength() {
    assertThat(Ids.randomToken(32)).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(Ids.randomToken(32)).isNotEqualTo(Ids.randomToken(32));
  }
}
