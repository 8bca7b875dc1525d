package dev.banter.bench;

import dev.banter.bench.BanterRest.User;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntUnaryOperator;

/**
 * Users and rooms for a load scenario, made over REST. Registered users (the default) get private
 * rooms whose first member is the owner and invites the others; guests ({@code --guests}) join
 * public rooms made by one registered owner who is not a member of the scenario. Every user leaves
 * the default room, so presence of thousands of users does not flood every connection. Against the
 * bare baseline ({@code --bare}) nothing is made: rooms are names and members have no token.
 */
final class Population {
  /** A room and its members; {@code index} is the room's number among all the run's rooms. */
  record RoomOf(int index, String id, List<User> members) {}

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

  /**
   * The rooms of this client process: room {@code r} of {@code totalRooms} (r = 0, 1, …) is made
   * here when {@code opts.ownsRoom(r)}, with {@code membersOf(r)} members.
   */
  static Population create(ServerOptions opts, int totalRooms, IntUnaryOperator membersOf)
      throws Exception {
    long t0 = System.nanoTime();
    List<Integer> mine = new ArrayList<>();
    for (int r = 0; r < totalRooms; r++) {
      if (opts.ownsRoom(r)) {
        mine.add(r);
      }
    }
    if (opts.bare) {
      List<RoomOf> out = new ArrayList<>();
      for (int r : mine) {
        List<User> ms = new ArrayList<>();
        for (int m = 0; m < membersOf.applyAsInt(r); m++) {
          ms.add(new User("u" + r + "_" + m, "u" + r + "_" + m, null));
        }
        out.add(new RoomOf(r, String.valueOf(r), ms));
      }
      return new Population(out, (System.nanoTime() - t0) / 1_000_000);
    }
    // each client process sets up through its own node: the set-up load is spread like the
    // connections
    BanterRest rest = new BanterRest(opts.urls.get(opts.partIndex() % opts.urls.size()));
    String stem =
        "b" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + "p" + opts.partIndex();
    Semaphore slots = new Semaphore(opts.parallel);
    List<RoomOf> out = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      User guestOwner = opts.guests ? rest.register(stem + "_owner", "bench-password-1") : null;
      List<Future<RoomOf>> made = new ArrayList<>();
      for (int r : mine) {
        int members = membersOf.applyAsInt(r);
        String roomName = stem + "-room-" + r;
        made.add(
            pool.submit(
                () -> {
                  List<Future<User>> joined = new ArrayList<>();
                  if (opts.guests) {
                    String id =
                        limited(slots, () -> rest.createRoom(guestOwner, roomName, "public"));
                    for (int m = 0; m < members; m++) {
                      String name = stem + "_" + r + "_" + m;
                      joined.add(
                          pool.submit(
                              () ->
                                  limited(
                                      slots,
                                      () ->
                                          retried(
                                              attempt -> {
                                                // a retry after a lost answer signs up under a new
                                                // name: the first may exist already
                                                User u =
                                                    rest.guest(
                                                        attempt == 0
                                                            ? name
                                                            : name + "_r" + attempt);
                                                rest.join(u, id);
                                                return u;
                                              }))));
                    }
                    return new RoomOf(r, id, collect(joined));
                  }
                  for (int m = 0; m < members; m++) {
                    String name = stem + "_" + r + "_" + m;
                    joined.add(
                        pool.submit(
                            () -> limited(slots, () -> rest.register(name, "bench-password-1"))));
                  }
                  List<User> ms = collect(joined);
                  String id = limited(slots, () -> rest.createRoom(ms.get(0), roomName, "private"));
                  List<Future<User>> invited = new ArrayList<>();
                  for (User u : ms.subList(1, ms.size())) {
                    invited.add(
                        pool.submit(
                            () ->
                                limited(
                                    slots,
                                    () -> {
                                      rest.invite(ms.get(0), id, u.username());
                                      return u;
                                    })));
                  }
                  collect(invited);
                  return new RoomOf(r, id, ms);
                }));
      }
      for (Future<RoomOf> f : made) {
        out.add(f.get());
      }
      List<User> all = out.stream().flatMap(r -> r.members().stream()).toList();
      String general = all.isEmpty() ? null : rest.defaultRoomId(all.get(0));
      List<Future<Object>> left = new ArrayList<>();
      for (User u : all) {
        left.add(
            pool.submit(
                () ->
                    limited(
                        slots,
                        () -> {
                          try {
                            rest.leave(u, general);
                          } catch (IOException e) {
                            // not fatal: the default room may refuse a leave (e.g. its last owner);
                            // presence just reaches more
                          }
                          return null;
                        })));
      }
      collect(left);
    } finally {
      rest.close(); // the server's memory per connection is measured from here: no set-up
      // connections left open
    }
    return new Population(out, (System.nanoTime() - t0) / 1_000_000);
  }

  private static <T> List<T> collect(List<Future<T>> futures) throws Exception {
    List<T> out = new ArrayList<>(futures.size());
    for (Future<T> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  /** What a set-up step may be tried with: the attempt's number, from 0. */
  private interface Attempt<T> {
    T run(int attempt) throws Exception;
  }

  /**
   * Runs {@code step}, again (up to three times) when the HTTP client gave up on an answer: over
   * tens of thousands of set-up calls a rare lost response must not end the run.
   */
  private static <T> T retried(Attempt<T> step) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return step.run(attempt);
      } catch (HttpTimeoutException e) {
        if (attempt == 2) {
          throw e;
        }
      }
    }
  }

  private static <T> T limited(Semaphore slots, Callable<T> call) throws Exception {
    slots.acquire();
    try {
      return call.call();
    } finally {
      slots.release();
    }
  }
}
