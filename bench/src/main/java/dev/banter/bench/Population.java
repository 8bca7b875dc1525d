package dev.banter.bench;

import dev.banter.bench.BanterRest.User;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Users and rooms for a load scenario, made over REST: {@code rooms} private rooms of
 * {@code members} users each (the first is the owner and invites the others). Every user leaves
 * the default room, so presence of thousands of users does not flood every connection.
 */
final class Population {
  /** A room and its members, owner first. */
  record RoomOf(String id, List<User> members) {}

  final List<RoomOf> rooms;
  final long setupMillis;

  private Population(List<RoomOf> rooms, long setupMillis) {
    this.rooms = rooms;
    this.setupMillis = setupMillis;
  }

  /** Every member of every room, room by room. */
  List<User> users() {
    return rooms.stream().flatMap(r -> r.members().stream()).toList();
  }

  /** Registers and arranges the users; {@code parallel} REST calls at a time (password hashing is slow). */
  static Population create(BanterRest rest, int rooms, int members, int parallel) throws Exception {
    long t0 = System.nanoTime();
    String stem = "b" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    Semaphore slots = new Semaphore(parallel);
    List<RoomOf> out = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<List<Future<User>>> registered = new ArrayList<>();
      for (int r = 0; r < rooms; r++) {
        List<Future<User>> row = new ArrayList<>();
        for (int m = 0; m < members; m++) {
          String name = stem + "_" + r + "_" + m;
          row.add(pool.submit(() -> limited(slots, () -> {
            User u = rest.register(name, "bench-password-1");
            return u;
          })));
        }
        registered.add(row);
      }
      List<User> all = new ArrayList<>();
      for (List<Future<User>> row : registered) {
        List<User> members1 = new ArrayList<>();
        for (Future<User> f : row) {
          members1.add(f.get());
        }
        all.addAll(members1);
        out.add(new RoomOf(null, members1));
      }
      String general = all.isEmpty() ? null : rest.defaultRoomId(all.get(0));
      List<Future<RoomOf>> made = new ArrayList<>();
      for (int r = 0; r < out.size(); r++) {
        List<User> ms = out.get(r).members();
        String roomName = stem + "-room-" + r;
        made.add(pool.submit(() -> limited(slots, () -> {
          String id = rest.createRoom(ms.get(0), roomName);
          for (User u : ms.subList(1, ms.size())) {
            rest.invite(ms.get(0), id, u.username());
          }
          return new RoomOf(id, ms);
        })));
      }
      List<Future<?>> left = new ArrayList<>();
      for (User u : all) {
        left.add(pool.submit(() -> limited(slots, () -> {
          try {
            rest.leave(u, general);
          } catch (java.io.IOException e) {
            // not fatal: the default room may refuse a leave (e.g. its last owner); presence just reaches more
          }
          return null;
        })));
      }
      out.clear();
      for (Future<RoomOf> f : made) {
        out.add(f.get());
      }
      for (Future<?> f : left) {
        f.get();
      }
    }
    return new Population(out, (System.nanoTime() - t0) / 1_000_000);
  }

  private static <T> T limited(Semaphore slots, java.util.concurrent.Callable<T> call) throws Exception {
    slots.acquire();
    try {
      return call.call();
    } finally {
      slots.release();
    }
  }
}
