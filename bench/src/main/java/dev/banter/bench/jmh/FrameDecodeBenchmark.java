package dev.banter.bench.jmh;

import dev.banter.realtime.FrameParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A client frame from the payload bytes the WebSocket aggregator hands over (a direct buffer, as
 * from a socket) to the decoded {@code ClientFrame}: UTF-8 decoding, Jackson's tree, field checks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FrameDecodeBenchmark {
  static final String ROOM_ID = "q3VfXo1y2bTzW8kLm4Pn7A";

  /** A typical send: 148 bytes. */
  static final String SEND_MESSAGE =
      "{\"type\":\"send_message\",\"ref\":\"17\",\"room_id\":\""
          + ROOM_ID
          + "\",\"client_id\":\"c-5f3a9e1b-42\",\"body\":\"Still on for the release review at three?\"}";

  static final String TYPING =
      "{\"type\":\"typing\",\"ref\":\"18\",\"room_id\":\"" + ROOM_ID + "\",\"active\":true}";

  ByteBuf sendMessage;
  ByteBuf typing;

  @Setup(Level.Trial)
  public void setUp() {
    sendMessage = payload(SEND_MESSAGE);
    typing = payload(TYPING);
  }

  private static ByteBuf payload(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sendMessage.release();
    typing.release();
  }

  @Benchmark
  public Record sendMessage() {
    return decode(sendMessage);
  }

  @Benchmark
  public Record typing() {
    return decode(typing);
  }

  /**
   * What the connection does with an aggregated text frame's payload: strict UTF-8, then the
   * parser.
   */
  static Record decode(ByteBuf payload) {
    return (Record) FrameParser.parse(payload.toString(StandardCharsets.UTF_8));
  }
}
