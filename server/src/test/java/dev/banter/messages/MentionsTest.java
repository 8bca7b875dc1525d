package dev.banter.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The mention parser as a table: a body and what it mentions (SPEC §8). */
class MentionsTest {
  static Stream<Arguments> bodies() {
    return Stream.of(
        Arguments.of("no at sign at all", List.of(), false, false),
        Arguments.of("@alice hi", List.of("alice"), false, false),
        Arguments.of("hi @Alice", List.of("alice"), false, false),
        Arguments.of("thanks @alice.", List.of("alice.", "alice"), false, false),
        Arguments.of(
            "@alice, @bob_2 and @carol-x", List.of("alice", "bob_2", "carol-x"), false, false),
        Arguments.of("mail me at bob@example.com", List.of(), false, false),
        Arguments.of("@ab is too short", List.of(), false, false),
        Arguments.of("@" + "a".repeat(34) + " is too long", List.of(), false, false),
        Arguments.of("@room standup", List.of(), true, false),
        Arguments.of("@here anyone?", List.of(), false, true),
        Arguments.of("@room, @here!", List.of(), true, true),
        Arguments.of("run `@alice` now", List.of(), false, false),
        Arguments.of("``code with ` and @alice`` but @bob", List.of("bob"), false, false),
        Arguments.of("an unclosed ` then @alice", List.of("alice"), false, false),
        Arguments.of("```\n@alice\n@room\n```\n@bob", List.of("bob"), false, false),
        Arguments.of("~~~\n@alice\n~~~", List.of(), false, false),
        Arguments.of("    @alice in an indented block", List.of(), false, false),
        Arguments.of("```\nnever closed @alice", List.of(), false, false),
        Arguments.of("(@alice)", List.of("alice"), false, false),
        Arguments.of("@alice @alice @alice", List.of("alice"), false, false),
        Arguments.of("@@alice", List.of("alice"), false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void findsWhatABodyMentions(String body, List<String> names, boolean room, boolean here) {
    Mentions m = Mentions.parse(body);
    assertThat(m.names()).containsExactlyElementsOf(names);
    assertThat(m.room()).isEqualTo(room);
    assertThat(m.here()).isEqualTo(here);
  }

  @Test
  void atMostFiftyNamesAreTaken() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      body.append("@user").append(i).append(' ');
    }
    Mentions m = Mentions.parse(body.toString());
    assertThat(m.names()).hasSize(Mentions.MAX_NAMES).startsWith("user0", "user1");
  }
}
