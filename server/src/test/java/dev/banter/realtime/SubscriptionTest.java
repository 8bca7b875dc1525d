package dev.banter.realtime;

import static dev.banter.realtime.RoomEvents.LONG_BODY;
import static dev.banter.realtime.RoomEvents.ROOM;
import static dev.banter.realtime.RoomEvents.deleted;
import static dev.banter.realtime.RoomEvents.edited;
import static dev.banter.realtime.RoomEvents.message;
import static dev.banter.realtime.RoomEvents.reaction;
import static dev.banter.realtime.RoomEvents.updated;
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
 * A join's replay merged with the live events that arrived meanwhile (SPEC §5 resume, §5.1
 * changes), one step at a time on an embedded loop, in the order {@code RoomStreams.join} takes
 * them: subscribe (live events are caught and wait), replay from storage (frames queued from the
 * join's thread, each recorded as sent), then go live ({@code joined}, then what waited and is
 * new).
 */
class SubscriptionTest {
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
    node = new EmbeddedNode(4096);
  }

  @AfterEach
  void stopNode() {
    node.close();
  }

  @Test
  void liveMessagesThatArriveDuringTheReplayFollowJoinedOnceEachInSeqOrder() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.subscribe(ROOM); // from here the room's live events are caught
      sub.startAt(2); // since_seq 2; the replay will read up to 5, the end when it looked
      client.fanOut(
          message(4), sub); // published after the subscribe, committed before the end was read
      client.fanOut(message(5), sub);
      replay(client, sub, message(3));
      client.runLoop();
      assertThat(client.transcript())
          .as("the replay is written; what arrived live waits")
          .containsExactly("new_message 3");

      replay(client, sub, message(4));
      client.fanOut(message(6), sub); // after the end the replay reads up to
      replay(client, sub, message(5));
      client.fanOut(message(7), sub);
      client.runLoop();
      endReplay(sub);
      client.fanOut(message(8), sub);
      client.runLoop();

      assertThat(client.transcript())
          .containsExactly(
              "new_message 4",
              "new_message 5",
              "joined 5",
              "new_message 6",
              "new_message 7",
              "new_message 8");
      assertThat(client.unreleased()).isEmpty();
    }
  }

  @Test
  void aLiveMessageDeliveredTwiceIsWrittenOnce() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.live(ROOM, 4);
      client.fanOut(message(5), sub);
      client.fanOut(message(5), sub); // the bus (or a gap fill racing it) brings it again
      client.fanOut(message(4), sub); // and one the client has
      client.fanOut(message(6), sub);
      client.runLoop();

      assertThat(client.transcript()).containsExactly("new_message 5", "new_message 6");
      assertThat(client.unreleased()).isEmpty();
    }
  }

  @Test
  void aWaitingChangeAtOrBelowTheRevItsMessageWasReplayedAtIsDroppedANewerOneIsSent() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.subscribe(ROOM);
      sub.startAt(2);
      client.fanOut(reaction("m3", 11), sub); // made before the replay read m3 at rev 12
      client.fanOut(edited("m3", 12), sub); // the state the replay read
      client.fanOut(edited("m3", 14), sub); // made after it
      replay(client, sub, message(3), 12);
      client.runLoop();
      endReplay(sub);
      client.runLoop();

      assertThat(client.transcript())
          .containsExactly("new_message 3", "joined 3", "message_edited m3@14");
      assertThat(client.unreleased()).isEmpty();
    }
  }

  @Test
  void aMemberWhoLeftIsToldThroughTheSubscriptionItEndsThenHearsNothingMoreOfTheRoom() {
    try (EmbeddedSocket bob = node.openAs("bob");
        EmbeddedSocket alice = node.openAs("alice")) {
      bob.live(ROOM, 4);
      alice.live(ROOM, 4);
      // as RoomStreams does on the room's shard: hand the event to the loops, then end the
      // subscription — before the loops have run (an embedded loop runs only when told to)
      fanOutThroughHub(
          new ServerEvent.UserLeft(ROOM, "bob", Map.of("id", "bob", "username", "bob"), null));
      node.hub.unsubscribeAfterQueued(bob.connection, ROOM);
      fanOutThroughHub(message(5));
      bob.runLoop();
      alice.runLoop();

      assertThat(bob.transcript()).containsExactly("user_left");
      assertThat(alice.transcript()).containsExactly("user_left", "new_message 5");
      assertThat(node.hub.hasSubscribers(ROOM)).isTrue();
    }
  }

  @Test
  void aDeletedRoomsMembersAreToldThroughTheSubscriptionsItEnds() {
    try (EmbeddedSocket bob = node.openAs("bob");
        EmbeddedSocket alice = node.openAs("alice")) {
      bob.live(ROOM, 4);
      alice.live(ROOM, 4);
      fanOutThroughHub(new ServerEvent.RoomDeleted(ROOM, List.of("alice", "bob")));
      node.hub.dropRoom(ROOM);
      fanOutThroughHub(message(5)); // a straggler of the bus: nobody is subscribed any more
      bob.runLoop();
      alice.runLoop();

      assertThat(bob.transcript()).containsExactly("room_deleted");
      assertThat(alice.transcript()).containsExactly("room_deleted");
      assertThat(node.hub.hasSubscribers(ROOM)).isFalse();
    }
  }

  /** What RoomStreams does with a live event: one frame, handed by the hub to every receiver. */
  private void fanOutThroughHub(ServerEvent e) {
    ByteBuf frame = Frames.of(e);
    try {
      node.hub.deliver(e, frame);
    } finally {
      frame.release();
    }
  }

  @Test
  void aWaitingChangeAtOrBelowSinceRevIsDroppedANewerOneIsSent() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.subscribe(ROOM);
      sub.startAt(2);
      sub.sinceRev(10); // the client saw every change up to rev 10 before it disconnected
      client.fanOut(deleted("m1", 9), sub);
      client.fanOut(reaction("m2", 10), sub);
      client.fanOut(reaction("m2", 11), sub);
      client.runLoop();
      endReplay(sub);
      client.runLoop();

      assertThat(client.transcript()).containsExactly("joined 2", "reaction m2@11");
      assertThat(client.unreleased()).isEmpty();
    }
  }

  /**
   * The rule is per message, not "below the highest rev replayed": m4 is replayed as a new message
   * at rev 13, edited at 15, and only then does the replay of changes read m1 at rev 20.
   */
  @Test
  void aChangeMadeAfterItsMessageWasReplayedIsSentEvenBelowTheRevOfALaterReplayedChange() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.subscribe(ROOM);
      sub.startAt(3);
      sub.sinceRev(10);
      replay(client, sub, message(4), 13);
      client.fanOut(edited("m4", 15), sub);
      client.fanOut(edited("m1", 18), sub); // shown by m1's state at 20
      client.runLoop();
      replayChange(client, sub, updated("m1", 20));
      client.fanOut(reaction("m1", 20), sub); // the change m1's state at 20 was read at
      client.fanOut(deleted("m1", 21), sub);
      client.runLoop();
      endReplay(sub);
      client.runLoop();

      assertThat(client.transcript())
          .containsExactly(
              "new_message 4",
              "message_updated m1@20",
              "joined 4",
              "message_edited m4@15",
              "message_deleted m1@21");
      assertThat(client.unreleased()).isEmpty();
    }
  }

  @Test
  void eventsWaitingPastTheBoundCloseTheConnection4008AndAreReleasedAtOnce() {
    long closedBefore = node.slowConsumerCloses();
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.subscribe(ROOM);
      sub.startAt(2);
      replay(client, sub, message(3));
      client.runLoop();
      assertThat(client.transcript()).containsExactly("new_message 3");
      // The client is busy (its socket full): the close frame will wait and the socket stay open,
      // so
      // what waited must be released at the close itself, not when the socket ends.
      client.clientReads(false);
      for (long seq = 4;
          seq <= 11;
          seq++) { // ~600 bytes each: the 4096-byte bound is passed at the 7th
        client.fanOut(message(seq, LONG_BODY), sub);
      }
      client.runLoop();
      assertThat(client.channel.isActive()).isTrue();
      assertThat(client.unreleased()).as("what waited, and what came after the close").isEmpty();
      assertThat(node.slowConsumerCloses()).isEqualTo(closedBefore + 1);

      endReplay(sub); // the replay ends after the close: nothing more is sent
      client.runLoop();
      client.clientReads(true);
      assertThat(client.transcript()).containsExactly("close 4008 slow_consumer");
      assertThat(client.channel.isActive()).isFalse();
    }
  }

  @Test
  void aSubscriptionLeftMidReplayReleasesWhatWaitedAndDropsLaterEvents() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.subscribe(ROOM);
      sub.startAt(2);
      client.fanOut(message(3), sub);
      client.fanOut(message(4), sub);
      client.runLoop();
      client.fanOut(message(5), sub); // a batch already queued for the loop when the client leaves
      node.hub.unsubscribe(
          client.connection, ROOM); // leave_room does this, on the connection's thread
      assertThat(client.unreleased())
          .as("what waited is released at once: only the queued batch holds its frame")
          .hasSize(1);
      client.runLoop();
      endReplay(sub); // the join's replay finishing after the leave
      client.fanOut(message(6), sub);
      client.sendFromAnotherThread(EmbeddedSocket.marker("after"));
      client.runLoop();

      assertThat(client.transcript()).containsExactly("marker after");
      assertThat(client.unreleased()).isEmpty();
    }
  }

  @Test
  void aConnectionThatClosesMidReplayReleasesWhatItsSubscriptionsHeld() {
    try (EmbeddedSocket client = node.open()) {
      Subscription sub = client.subscribe(ROOM);
      sub.startAt(2);
      client.fanOut(message(3), sub);
      client.fanOut(message(4), sub);
      client.runLoop();
      assertThat(client.unreleased()).hasSize(2);

      client.channel.close(); // the client went away: the gateway ends its subscriptions
      client.runLoop();
      assertThat(client.unreleased()).isEmpty();
      endReplay(sub);
      client.fanOut(message(5), sub);
      client.runLoop();
      assertThat(client.transcript())
          .as("nothing reaches a closed socket (the loop ran everything queued)")
          .isEmpty();
      assertThat(client.unreleased()).isEmpty();
    }
  }

  // ---- a join's steps, as RoomStreams takes them on the join's thread ----

  private static void replay(EmbeddedSocket client, Subscription sub, ServerEvent.NewMessage m) {
    replay(client, sub, m, m.rev());
  }

  /** A replayed message whose state, read from storage, is at {@code rev}. */
  private static void replay(
      EmbeddedSocket client, Subscription sub, ServerEvent.NewMessage m, long rev) {
    client.sendFromAnotherThread(m);
    sub.replayed(m.seq(), "m" + m.seq(), rev);
  }

  private static void replayChange(
      EmbeddedSocket client, Subscription sub, ServerEvent.MessageUpdated u) {
    client.sendFromAnotherThread(u);
    sub.replayedChange(u.messageId(), u.rev());
  }

  private static void endReplay(Subscription sub) {
    sub.goLive(EmbeddedSocket::joined);
  }
}
