package dev.banter.bench;

import dev.banter.bench.ws.WsClient;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every scenario that drives a running server over its public API. */
final class ServerOptions {
  @Option(names = "--url", required = true, description = "Banter's base URL, e.g. http://127.0.0.1:18555")
  String url;

  @Option(names = "--threads", defaultValue = "2", description = "client event-loop threads (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--parallel", defaultValue = "16", description = "REST calls in flight during setup (default: ${DEFAULT-VALUE})")
  int parallel = 16;

  @Option(names = "--sources", split = ",", description = "local source addresses (default: 127.0.0.2 to 127.0.0.9)")
  List<String> sources = WsClient.DEFAULT_SOURCES;
}
