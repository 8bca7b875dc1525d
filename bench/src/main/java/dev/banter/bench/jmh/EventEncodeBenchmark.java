package dev.banter.bench.jmh;

import dev.banter.events.ServerEvent;
import dev.banter.messages.Mentions;
import dev.banter.messages.Message;
import dev.banter.realtime.Frames;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A new message becoming the bytes sent to sockets, once per event: {@code frameOfEvent} is the
 * fan-out's serialisation of a published event; {@code eventOfStoredMessage} adds what happens
 * before it for each stored message (its view, the event) — the whole per-message cost up to the
 * bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EventEncodeBenchmark {
  static final long SEQ = 4242;

  Message message;
  ServerEvent event;

  @Setup(Level.Trial)
  public void setUp() {
    message = sampleMessage(FrameDecodeBenchmark.ROOM_ID, SEQ);
    event = newMessageEvent(message);
  }

  /**
   * A stored message as the writer builds it: no reply, no reactions, no attachments, not pinned,
   * no thread, no mentions.
   */
  static Message sampleMessage(String roomId, long seq) {
    return new Message(
        "Zr8m2QnV0xLk5Tb7Ye1cWg",
        roomId,
        seq,
        seq,
        "Hn3Qd9Lp2Vx6Rb0Kt8Mz4A",
        "alice",
        "Alice Liddell",
        null,
        "Still on for the release review at three?",
        null,
        "c-5f3a9e1b-42",
        1_763_900_000_000L + seq,
        null,
        false,
        Map.of(),
        List.of(),
        null,
        null,
        null,
        null,
        Mentions.NONE);
  }

  /** The event MessageService publishes after commit. */
  static ServerEvent newMessageEvent(Message m) {
    return m.posted();
  }

  @Benchmark
  public int frameOfEvent() {
    return sizeThenRelease(Frames.of(event));
  }

  @Benchmark
  public int eventOfStoredMessage() {
    return sizeThenRelease(Frames.of(newMessageEvent(message)));
  }

  private static int sizeThenRelease(ByteBuf bytes) {
    try {
      return bytes.readableBytes();
    } finally {
      bytes.release();
    }
  }
}
