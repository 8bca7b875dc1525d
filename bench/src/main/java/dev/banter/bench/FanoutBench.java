package dev.banter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * R rooms × M members over WebSocket; S senders post at a total target rate; every member receives
 * its room's messages. Measures send→deliver latency (the send time rides in the client_id, same
 * process clock), deliveries/s, acks/s, errors and closes.
 */
@Command(
    name = "fanout",
    mixinStandardHelpOptions = true,
    description =
        "Fan-out through a running Banter (or the bare baseline): deliveries/s and send→deliver latency.")
final class FanoutBench implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ServerOptions server = new ServerOptions();

  @Mixin FanoutOptions load = new FanoutOptions();

  @Override
  public Integer call() throws Exception {
    return print(new FanoutRun(server, load, new FanoutRun.Extra() {}).run(), server);
  }

  /** Prints the record and, unless this is one client process of several, the summary. */
  static int print(Map<String, Object> r, ServerOptions server) throws Exception {
    System.out.println(JSON.writeValueAsString(r));
    if (server.part == null) {
      System.out.println(FanoutRun.summary(r));
    }
    return 0;
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
