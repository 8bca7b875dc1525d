package dev.banter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.banter.Banter;
import dev.banter.config.ConfigLoader;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every WebSocket scenario runs end to end for a few seconds against an in-process Banter (guest
 * users) or the bare baseline, so the tool cannot rot: they connect, deliver, find no gaps. No
 * timing is asserted.
 */
class ScenariosSmokeTest {
  private static Banter banter;
  private static BaselineServer baseline;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("BANTER_HOST", "127.0.0.1");
    env.put("BANTER_PORT", "0");
    env.put("BANTER_DATA_DIR", Files.createTempDirectory("banter-bench-smoke-").toString());
    env.put("BANTER_JWT_SECRET", "vAILpqtjzDEcHcakEc+gc2AK5llFEyTKP/9MqI0kwLUe");
    env.put("BANTER_AUTH_RATE", "1000000");
    env.put("BANTER_HTTP_RATE", "1000000");
    env.put("BANTER_MESSAGE_RATE", "100000");
    env.put("BANTER_MESSAGE_BURST", "100000");
    env.put("BANTER_WS_PER_IP", "0");
    env.put("BANTER_GUEST_ACCESS", "true");
    env.put("BANTER_LOG_FORMAT", "text");
    banter = Banter.start(new ConfigLoader(env, false).load());
    baseline = new BaselineServer();
    baseline.port = 0;
    baseline.start();
  }

  @AfterAll
  static void stop() {
    baseline.close();
    banter.close();
  }

  private static ServerOptions banterOptions(boolean guests) {
    ServerOptions s = new ServerOptions();
    s.urls = List.of("http://127.0.0.1:" + banter.port());
    s.guests = guests;
    s.threads = 1;
    s.parallel = 8;
    s.sources = List.of("127.0.0.2", "127.0.0.3");
    return s;
  }

  private static ServerOptions baselineOptions() {
    ServerOptions s = banterOptions(false);
    s.urls = List.of("http://127.0.0.1:" + baseline.port());
    s.bare = true;
    return s;
  }

  private static FanoutOptions load(int rooms, int members, int rate) {
    FanoutOptions l = new FanoutOptions();
    l.rooms = rooms;
    l.members = members;
    l.senders = rooms;
    l.rate = rate;
    l.warmup = 1;
    l.seconds = 3;
    return l;
  }

  @Test
  void fanoutWithRegisteredUsersDeliversWithoutErrors() throws Exception {
    Map<String, Object> r =
        new FanoutRun(banterOptions(false), load(10, 10, 100), new FanoutRun.Extra() {}).run();
    System.out.println(FanoutRun.summary(r));

    assertThat(r.get("connections")).isEqualTo(100L);
    assertThat(r.get("connect_failures")).isEqualTo(0L);
    assertThat((long) r.get("deliveries")).isPositive();
    assertThat(r.get("errors")).isEqualTo(0L);
    assertThat(r.get("closes")).isEqualTo(Map.of());
    // one slowest delivery per measured second, none above the window's maximum
    @SuppressWarnings("unchecked")
    List<Double> bySecond = (List<Double>) r.get("max_ms_by_second");
    assertThat(bySecond)
        .hasSize(3)
        .allSatisfy(ms -> assertThat(ms).isBetween(0.0, (double) r.get("max_ms") + 0.1));
    assertThat(bySecond).anySatisfy(ms -> assertThat(ms).isPositive());
  }

  @Test
  void fanoutAgainstTheBareBaselineReachesTheOtherMembers() throws Exception {
    Map<String, Object> r =
        new FanoutRun(baselineOptions(), load(10, 10, 100), new FanoutRun.Extra() {}).run();
    System.out.println(FanoutRun.summary(r));

    assertThat(r.get("connections")).isEqualTo(100L);
    assertThat((long) r.get("deliveries")).isPositive();
    assertThat(r.get("expected_deliveries_per_s"))
        .isEqualTo(900L); // 100 msg/s × the 9 other members
    assertThat(r.get("acks_per_s")).isEqualTo(0.0);
  }

  @Test
  void connectHoldsGuestsAndReadsTheServersLiveHeap() throws Exception {
    ConnectBench connect = new ConnectBench();
    connect.server = banterOptions(true);
    connect.connections = 120;
    connect.members = 40;
    connect.ramp = 1000;
    connect.hold = 1;
    connect.probe = true;
    connect.server.serverPids = List.of((int) ProcessHandle.current().pid());
    Map<String, Object> r = connect.run();
    System.out.println(ConnectBench.summary(r));

    assertThat(r.get("held")).isEqualTo(120L);
    assertThat(r.get("failures")).isEqualTo(0L);
    assertThat(r.get("probe_deliveries"))
        .isEqualTo(120L); // three rooms of 40, each member got its room's probe
    assertThat(r.get("probe_expected")).isEqualTo(120L);
    assertThat((long) r.get("live_heap_after_kib")).isPositive();
    assertThat(r.get("held_at_middle"))
        .isEqualTo(60L); // the middle reading came with half of them open
    assertThat(r.get("live_heap_kib_per_connection")).isNotNull();
    assertThat((long) r.get("rss_after_kib")).isPositive();
  }

  @Test
  void storeIsAckedWithoutErrors() throws Exception {
    StoreBench store = new StoreBench();
    store.server = banterOptions(true);
    store.connections = 8;
    store.rooms = 2;
    store.warmup = 1;
    store.seconds = 2;
    Map<String, Object> r = store.run();

    assertThat((double) r.get("acks_per_s")).isPositive();
    assertThat(r.get("errors")).isEqualTo(0L);
  }

  @Test
  void resumeUnderLoadSeesNoGapsAndNoDuplicates() throws Exception {
    ResumeBench resume = new ResumeBench();
    resume.server = banterOptions(true);
    resume.load = load(4, 10, 100);
    resume.churn = 0.3;
    resume.every = 0.5;
    resume.downMillis = 200;
    Map<String, Object> r = resume.run();
    System.out.println(FanoutRun.summary(r));

    assertThat((long) r.get("reconnects")).isPositive();
    assertThat(r.get("reconnect_failures")).isEqualTo(0L);
    assertThat(r.get("gaps")).isEqualTo(0L);
    assertThat(r.get("duplicates")).isEqualTo(0L);
    assertThat(r.get("members_behind_at_end")).isEqualTo(0L);
  }

  @Test
  void historyReadsPagesWhileFanoutRuns() throws Exception {
    HistoryBench history = new HistoryBench();
    history.server = banterOptions(true);
    history.load = load(4, 5, 50);
    history.readers = 2;
    Map<String, Object> r = history.run();

    assertThat((double) r.get("history_pages_per_s")).isPositive();
    assertThat(r.get("history_failures")).isEqualTo(0L);
    assertThat((long) r.get("deliveries")).isPositive();
  }

  @Test
  void twoClientProcessesShareAConnectRunAndTheirRecordsAreMerged() throws Exception {
    String url = "http://127.0.0.1:" + baseline.port();
    ClientProcesses.commandLine =
        new String[] {
          "connect",
          "--bare",
          "--url",
          url,
          "--connections",
          "60",
          "--members",
          "10",
          "--ramp",
          "1000",
          "--hold",
          "1",
          "--probe",
          "--threads",
          "1",
          "--processes",
          "2"
        };
    ConnectBench connect = new ConnectBench();
    connect.server = baselineOptions();
    connect.server.processes = 2;
    connect.server.serverPids = List.of((int) ProcessHandle.current().pid());
    Map<String, Object> r = connect.runProcesses();
    System.out.println(ConnectBench.summary(r));

    assertThat(r.get("processes")).isEqualTo(2);
    assertThat(r.get("held")).isEqualTo(60L); // 30 in each process
    assertThat(r.get("probe_deliveries"))
        .isEqualTo(54L); // six rooms × the nine members besides the sender
    assertThat(r.get("live_heap_after_kib")).isNotNull();
  }
}
