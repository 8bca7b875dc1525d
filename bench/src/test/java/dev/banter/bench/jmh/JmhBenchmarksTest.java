package dev.banter.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banter.core.Json;
import dev.banter.messages.MessageService;
import dev.banter.messages.PostOutcome.Posted;
import dev.banter.realtime.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each JMH benchmark run directly, not through JMH: its setup, one call of each benchmark method,
 * its teardown — so the benchmarks keep compiling, working and measuring what they claim. No
 * timing.
 */
class JmhBenchmarksTest {
  @Test
  void frameDecodingYieldsTheFramesTheClientSent() {
    var bench = new FrameDecodeBenchmark();
    bench.setUp();
    try {
      String room = FrameDecodeBenchmark.ROOM_ID;
      assertThat(bench.sendMessage())
          .hasToString(
              "SendMessage[ref=17, roomId="
                  + room
                  + ", body=Still on for the release review at three?, clientId=c-5f3a9e1b-42, replyTo=null, threadId=null, attachments=null]");
      assertThat(bench.typing()).hasToString("Typing[ref=18, roomId=" + room + ", active=true]");
      assertThat(bench.sendMessage.refCnt()).as("the payload stays the caller's").isEqualTo(1);
    } finally {
      bench.tearDown();
    }
    assertThat(bench.sendMessage.refCnt()).isZero();
  }

  @Test
  void eventEncodingWritesTheNewMessageFrame() throws Exception {
    var bench = new EventEncodeBenchmark();
    bench.setUp();
    ByteBuf bytes = Frames.of(bench.event);
    try {
      // a whole unmasked text frame: FIN + text opcode, the length, then the JSON
      assertThat(bytes.getUnsignedByte(0)).isEqualTo((short) 0x81);
      int len7 = bytes.getUnsignedByte(1);
      assertThat(len7).isEqualTo(126); // 126..65535 bytes of JSON: a 16-bit length follows
      assertThat(bytes.getUnsignedShort(2)).isEqualTo(bytes.readableBytes() - 4);
      JsonNode frame =
          Json.MAPPER.readTree(ByteBufUtil.getBytes(bytes, 4, bytes.readableBytes() - 4));
      assertThat(frame.path("type").asText()).isEqualTo("new_message");
      assertThat(frame.path("message").path("seq").asLong()).isEqualTo(EventEncodeBenchmark.SEQ);
      assertThat(frame.path("message").path("body").asText())
          .isEqualTo("Still on for the release review at three?");
      assertThat(bench.frameOfEvent()).isEqualTo(bytes.readableBytes());
      assertThat(bench.eventOfStoredMessage()).isEqualTo(bytes.readableBytes());
    } finally {
      bytes.release();
    }
  }

  @Test
  void fanOutDeliversEveryEventOnceToEachOfTheRoomsConnections() throws Exception {
    var bench = new RoomFanoutBenchmark();
    bench.connections = 1000;
    bench.setUp();
    try {
      bench.newMessageToRoom();
      long bytesEach = bench.sockets.get(0).bytes;
      assertThat(bytesEach).isGreaterThan(RoomFanoutBenchmark.EVENTS * 100L);
      assertThat(bench.sockets)
          .hasSize(1000)
          .allSatisfy(
              s -> {
                assertThat(s.frames()).isEqualTo(RoomFanoutBenchmark.EVENTS);
                assertThat(s.bytes).isEqualTo(bytesEach);
              });
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void postsAreStoredEachWithItsOwnSeq() throws Exception {
    var bench = new GroupCommitBenchmark();
    bench.batch = MessageService.MAX_BATCH;
    bench.setUp();
    try {
      var alone = new GroupCommitBenchmark.Poster();
      alone.setUp(bench);
      Posted first = bench.onePoster(alone);
      assertThat(first.created()).isTrue();
      assertThat(first.message().seq()).isEqualTo(1);

      List<GroupCommitBenchmark.Poster> posters = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        var p = new GroupCommitBenchmark.Poster();
        p.setUp(bench);
        posters.add(p);
      }
      List<Posted> posted = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Posted>> calls = new ArrayList<>();
        for (var p : posters) {
          calls.add(pool.submit(() -> bench.postersX64(p)));
        }
        for (var call : calls) {
          posted.add(call.get());
        }
      }
      var seqsByRoom =
          posted.stream()
              .collect(
                  Collectors.groupingBy(
                      p -> p.message().roomId(),
                      Collectors.mapping(p -> p.message().seq(), Collectors.toSet())));
      assertThat(seqsByRoom).hasSize(GroupCommitBenchmark.ROOMS);
      assertThat(seqsByRoom.values().stream().mapToInt(Set::size).sum())
          .as("distinct seqs")
          .isEqualTo(8);
    } finally {
      bench.tearDown();
    }
  }
}
