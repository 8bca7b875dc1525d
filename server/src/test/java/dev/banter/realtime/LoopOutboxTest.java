package dev.banter.realtime;

import static dev.banter.realtime.RoomEvents.LONG_BODY;
import static dev.banter.realtime.RoomEvents.ROOM;
import static dev.banter.realtime.RoomEvents.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.events.ServerEvent;
import dev.banter.support.LeakWatch;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound path of connections, on embedded loops: one queue per loop keeps an ack before the
 * event it precedes, one run flushes each connection once, a client that stops reading builds a
 * backlog that is written in order when it reads again — or, past its bound, closes the connection
 * 4008 and is released — and a frame handed to many connections is released once the last of them
 * wrote it.
 */
class LoopOutboxTest {
  /** About six of the ~600-byte frames of {@link RoomEvents#LONG_BODY}. */
  private static final long BOUND = 4096;

  private static LeakWatch leaks;
  private EmbeddedNode node;

  @BeforeAll
  static void watchLeaks() {
    leaks = LeakWatch.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    try {
      assertThat(leaks.collect()).as("buffers Netty's leak detector found unreleased").isEmpty();
    } finally {
      leaks.close();
    }
  }

  @BeforeEach
  void startNode() {
    node = new EmbeddedNode(BOUND);
  }

  @AfterEach
  void stopNode() {
    node.close();
  }

  // ---- order ----

  @Test
  void anAckQueuedBeforeItsMessagesEventIsWrittenBeforeIt() {
    try (EmbeddedSocket sender = node.open()) {
      Subscription sub = sender.live(ROOM, 0);
      sender.sendFromAnotherThread(
          EmbeddedSocket.ack("a1")); // the writer thread, right after the commit
      sender.fanOut(message(1), sub); // then the fan-out, with the published event
      sender.runLoop();

      assertThat(sender.transcript()).containsExactly("ack a1", "new_message 1");
      assertThat(sender.unreleased()).isEmpty();
    }
  }

  /** The order is the order queued, whatever the kind: no kind of item jumps the queue. */
  @Test
  void anEventQueuedBeforeAReplyIsWrittenBeforeIt() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.live(ROOM, 0);
      client.fanOut(message(1), sub);
      client.sendFromAnotherThread(EmbeddedSocket.ack("a2"));
      client.fanOut(message(2), sub);
      client.runLoop();

      assertThat(client.transcript()).containsExactly("new_message 1", "ack a2", "new_message 2");
      assertThat(client.unreleased()).isEmpty();
    }
  }

  @Test
  void oneRunWritesEverythingQueuedAndFlushesTheConnectionOnce() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.live(ROOM, 0);
      int flushesBefore = client.flushes();
      for (long seq = 1; seq <= 3; seq++) {
        client.fanOut(message(seq), sub);
      }
      client.sendFromAnotherThread(EmbeddedSocket.ack("a1"));
      client.runLoop();

      assertThat(client.transcript())
          .containsExactly("new_message 1", "new_message 2", "new_message 3", "ack a1");
      assertThat(client.flushes() - flushesBefore)
          .as("flushes (writev calls) for one run")
          .isEqualTo(1);
    }
  }

  // ---- a client that does not read ----

  @Test
  void aClientThatStopsReadingGetsItsBacklogInOrderWhenItReadsAgain() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.live(ROOM, 0);
      client.clientReads(false);
      client.fanOut(message(1, LONG_BODY), sub);
      client.sendFromAnotherThread(EmbeddedSocket.ack("a2"));
      client.fanOut(message(2, LONG_BODY), sub);
      client.runLoop();
      assertThat(client.transcript())
          .as("all of it waits in the backlog (the loop ran everything queued)")
          .isEmpty();

      client.clientReads(true);
      assertThat(client.transcript()).containsExactly("new_message 1", "ack a2", "new_message 2");
      assertThat(client.channel.isActive()).isTrue();
      assertThat(client.unreleased()).isEmpty();
    }
  }

  @Test
  void aBacklogPastItsBoundIsReleasedAtOnceAndTheClientGetsOnlyTheClose4008() {
    long closedBefore = node.slowConsumerCloses();
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.live(ROOM, 0);
      client.clientReads(false);
      for (long seq = 1;
          seq <= 9;
          seq++) { // the bound is passed at the 7th; the rest come to a closing connection
        client.fanOut(message(seq, LONG_BODY), sub);
      }
      client.sendFromAnotherThread(EmbeddedSocket.ack("late"));
      client.runLoop();
      assertThat(client.channel.isActive())
          .as("the close frame waits in the socket of a client that does not read")
          .isTrue();
      assertThat(client.unreleased())
          .as(
              "the backlog, released at the close and not when the socket ends; "
                  + "and what came after")
          .isEmpty();
      assertThat(node.slowConsumerCloses()).isEqualTo(closedBefore + 1);

      client.clientReads(true);
      assertThat(client.transcript())
          .as("nothing of the backlog, only the close")
          .containsExactly("close 4008 slow_consumer");
      assertThat(client.channel.isActive()).as("ended once the close frame is written").isFalse();
      assertThat(client.connection.closeCode()).isEqualTo(4008);
    }
  }

  @Test
  void aSlowConsumerThatNeverTakesItsCloseFrameIsCutOffAfterTheGracePeriod() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.live(ROOM, 0);
      client.clientReads(false);
      for (long seq = 1; seq <= 7; seq++) {
        client.fanOut(message(seq, LONG_BODY), sub);
      }
      client.runLoop();
      client.advanceMillis(1_999); // Connection.CLOSE_GRACE_MS is 2 s
      assertThat(client.channel.isActive()).isTrue();
      client.advanceMillis(1);
      assertThat(client.channel.isActive()).isFalse();
      assertThat(client.unreleased()).isEmpty();
    }
  }

  // ---- one frame, many connections ----

  /**
   * One serialised frame, as the fan-out hands it over: to two live subscribers, one still
   * replaying, and the user it names (not subscribed). Each loop holds a reference until its batch
   * is written; the replaying one until it goes live; then none is left.
   */
  @Test
  void aFrameHandedToManyConnectionsIsReleasedOnceTheLastOneWroteIt() {
    try (EmbeddedSocket ann = node.open();
        EmbeddedSocket ben = node.open();
        EmbeddedSocket cat = node.open();
        EmbeddedSocket dora = node.openAs("dora")) {
      ann.live(ROOM, 0);
      ben.live(ROOM, 0);
      Subscription catJoining = cat.subscribe(ROOM);
      ServerEvent removed =
          new ServerEvent.UserLeft(ROOM, "dora", Map.of("id", "dora", "username", "dora"), "ann");
      ByteBuf frame = EmbeddedSocket.frameOf(removed);

      assertThat(node.hub.deliver(removed, frame)).as("connections handed the frame").isEqualTo(4);
      frame.release(); // the fan-out's own reference, as RoomStreams.deliver drops it
      assertThat(frame.refCnt())
          .as("three batches waiting for their loops; dora's copy written at once, unread")
          .isEqualTo(4);
      for (EmbeddedSocket s : List.of(ann, ben, cat, dora)) {
        s.runLoop();
      }
      assertThat(ann.transcript()).containsExactly("user_left");
      assertThat(ben.transcript()).containsExactly("user_left");
      assertThat(dora.transcript()).containsExactly("user_left");
      assertThat(frame.refCnt()).as("held only by the replaying subscription").isEqualTo(1);

      catJoining.startAt(0);
      catJoining.goLive(EmbeddedSocket::joined);
      cat.runLoop();
      assertThat(cat.transcript()).containsExactly("joined 0", "user_left");
      assertThat(frame.refCnt()).isZero();
    }
  }
}
