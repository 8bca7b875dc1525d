package dev.banter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.banter.config.AddressRange;
import dev.banter.config.Setting;
import dev.banter.support.Backend;
import dev.banter.support.TestServer;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Docker, Compose and Kubernetes files cannot run here (no container engine): they are parsed,
 * and what they say about Banter (port, probe paths, variables, names) is checked against the code,
 * and what operators expect of them (non-root, read-only root filesystem, pinned images, restart
 * policies, a shared upload store, a metrics port, probes, drain, disruption budget) is checked as
 * invariants: each test fails when one is broken.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DEPLOY = ROOT.resolve("deploy");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SETTINGS =
      Arrays.stream(Setting.values()).map(s -> s.variable).collect(Collectors.toSet());
  private static final List<String> NODES = List.of("banter-1", "banter-2");
  private static final Pattern PRE_STOP_SLEEP = Pattern.compile("sleep (\\d+)");
  private static final Pattern HISTOGRAM_QUANTILE =
      Pattern.compile("histogram_quantile\\(\\s*([0-9.]+)\\s*,");

  private static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).readValues(DEPLOY.resolve(file).toFile())) {
      while (it.hasNext()) {
        docs.add((JsonNode) it.next());
      }
    }
    return docs;
  }

  private static Map<String, JsonNode> k8s() throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    for (String f :
        List.of(
            "k8s/config.yaml",
            "k8s/deployment.yaml",
            "k8s/service.yaml",
            "k8s/scaling.yaml",
            "k8s/uploads.yaml")) {
      for (JsonNode d : documents(f)) {
        out.put(d.get("kind").asText(), d);
      }
    }
    return out;
  }

  private static JsonNode compose() throws IOException {
    return documents("docker-compose.yml").get(0);
  }

  private static String dockerfile() throws IOException {
    return Files.readString(DEPLOY.resolve("Dockerfile"));
  }

  /** The uid of the Dockerfile's {@code USER uid[:gid]}. */
  private static long imageUser(String docker) {
    String user =
        docker
            .lines()
            .filter(l -> l.startsWith("USER "))
            .reduce((first, second) -> second)
            .orElseThrow()
            .substring(5)
            .strip();
    assertThat(user)
        .as("USER is numeric (runAsNonRoot can only check a number)")
        .matches("\\d+(:\\d+)?");
    return Long.parseLong(user.split(":")[0]);
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  /** {@code name:tag}, with a tag, and not {@code latest}. */
  private static void pinned(String what, String image) {
    assertThat(image).as(what + " names its image").isNotBlank();
    String last = image.substring(image.lastIndexOf('/') + 1);
    assertThat(last).as(what + " image " + image + " has an explicit tag").contains(":");
    assertThat(last.substring(last.indexOf(':') + 1))
        .as(what + " image " + image)
        .isNotEqualTo("latest");
  }

  // ---- Dockerfile and .dockerignore ----

  @Test
  void theDockerfileBuildsInTwoStagesAndRunsAsNonRootWithAHealthCheck() throws IOException {
    String docker = dockerfile();
    List<String> from = docker.lines().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from).hasSize(2);
    from.forEach(l -> pinned("FROM", l.split("\\s+")[1]));
    assertThat(docker)
        .contains("EXPOSE " + Setting.PORT.defaultValue)
        .contains("HEALTHCHECK")
        .contains("/health")
        .contains("COPY --from=build /src/server/target/banter.jar");
    assertThat(imageUser(docker)).isNotZero();
  }

  @Test
  void theImageCanRunWithAReadOnlyRootFilesystem() throws IOException {
    String docker = dockerfile();
    String dataDir =
        docker
            .lines()
            .map(l -> l.replaceFirst("^ENV\\s+", "").strip())
            .filter(l -> l.startsWith("BANTER_DATA_DIR="))
            .findFirst()
            .orElseThrow()
            .replaceFirst("BANTER_DATA_DIR=(\\S+).*", "$1");
    String uploadDir = compose().at("/services/banter-1/environment/BANTER_UPLOAD_DIR").asText();
    long uid = imageUser(docker);
    // the folders the server writes to exist in the image, owned by its user (a new named volume
    // takes their ownership), so nothing else needs to be writable
    List<String> chown =
        docker
            .lines()
            .filter(l -> l.contains("chown "))
            .flatMap(l -> Arrays.stream(l.substring(l.indexOf("chown ")).split("[\\s&;]+")))
            .toList();
    assertThat(chown).as("chown in the Dockerfile").contains(uid + ":" + uid, dataDir, uploadDir);
    assertThat(docker).contains("VOLUME " + dataDir);
    assertThat(docker)
        .as("native libraries unpack to /tmp, the one writable scratch folder")
        .contains("-Djava.io.tmpdir=/tmp");
  }

  @Test
  void theBuildContextLeavesOutDataAndBuildOutputButKeepsWhatTheBuildNeeds() throws IOException {
    List<String> ignored =
        Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    assertThat(ignored).contains(".git", "**/target", "data", "**/jwt-secret", "**/*.db");
    for (String needed : List.of("pom.xml", "mvnw", ".mvn", "server", "bench", "config")) {
      assertThat(Files.exists(ROOT.resolve(needed))).as(needed + " exists").isTrue();
      for (String pattern : ignored) {
        assertThat(
                FileSystems.getDefault().getPathMatcher("glob:" + pattern).matches(Path.of(needed)))
            .as(".dockerignore's " + pattern + " leaves out " + needed + ", which the build needs")
            .isFalse();
      }
    }
  }

  // ---- Compose ----

  @Test
  void composeRunsTwoNodesOnPostgresAndRedisBehindAProxy() throws IOException {
    JsonNode services = compose().get("services");
    assertThat(services.has("postgres")).isTrue();
    assertThat(services.has("redis")).isTrue();
    for (String node : NODES) {
      JsonNode env = services.get(node).get("environment");
      env.fieldNames().forEachRemaining(k -> assertThat(SETTINGS).as(node + " " + k).contains(k));
      assertThat(env.get("BANTER_DATABASE_URL").asText()).startsWith("postgresql://");
      assertThat(env.get("BANTER_REDIS_URL").asText()).startsWith("redis://");
      // behind the proxy the nodes must believe it, or every client has the proxy's budgets
      assertThat(
              Arrays.stream(env.path("BANTER_TRUSTED_PROXIES").asText().split(","))
                  .map(String::strip)
                  .map(AddressRange::parse))
          .as(node + " trusts the proxy's network")
          .isNotEmpty();
    }
    assertThat(services.get("banter-1").at("/environment/BANTER_NODE_ID").asText())
        .isNotEqualTo(services.get("banter-2").at("/environment/BANTER_NODE_ID").asText());
    String nginx = Files.readString(DEPLOY.resolve("nginx.conf"));
    assertThat(nginx)
        .contains("banter-1:" + Setting.PORT.defaultValue)
        .contains("banter-2:" + Setting.PORT.defaultValue)
        .contains("proxy_set_header Upgrade $http_upgrade")
        .contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for"); // BehindNginxTest
  }

  @Test
  void everyComposeServiceRestartsAndRunsAPinnedImage() throws IOException {
    JsonNode services = compose().get("services");
    for (Map.Entry<String, JsonNode> s : services.properties()) {
      assertThat(s.getValue().path("restart").asText())
          .as(s.getKey() + " restart policy")
          .isIn("always", "unless-stopped", "on-failure");
      pinned(s.getKey(), s.getValue().path("image").asText());
    }
    assertThat(services.at("/banter-1/image").asText())
        .as("both nodes run the same build")
        .isEqualTo(services.at("/banter-2/image").asText());
  }

  @Test
  void composeNodesRunLockedDown() throws IOException {
    for (String node : NODES) {
      JsonNode s = compose().at("/services/" + node);
      assertThat(s.path("read_only").asBoolean()).as(node + " read-only root").isTrue();
      assertThat(texts(s.path("tmpfs"))).as(node + " writable /tmp").contains("/tmp");
      assertThat(texts(s.path("cap_drop"))).as(node + " capabilities").contains("ALL");
      assertThat(texts(s.path("security_opt"))).as(node).contains("no-new-privileges:true");
      String user =
          s.has("user") ? s.get("user").asText() : String.valueOf(imageUser(dockerfile()));
      assertThat(user.split(":")[0]).as(node + " user").isNotIn("0", "root");
    }
  }

  @Test
  void composeNodesShareOneUploadStore() throws IOException {
    JsonNode compose = compose();
    List<String> stores = new ArrayList<>();
    for (String node : NODES) {
      JsonNode s = compose.at("/services/" + node);
      JsonNode env = s.get("environment");
      if (env.has("BANTER_S3_BUCKET")) {
        stores.add("s3:" + env.get("BANTER_S3_BUCKET").asText());
        continue;
      }
      String dir = env.path("BANTER_UPLOAD_DIR").asText();
      assertThat(dir).as(node + " sets BANTER_UPLOAD_DIR (or BANTER_S3_BUCKET)").isNotEmpty();
      String volume =
          texts(s.path("volumes")).stream()
              .filter(v -> v.split(":").length >= 2 && v.split(":")[1].equals(dir))
              .map(v -> v.split(":")[0])
              .findFirst()
              .orElse(null);
      assertThat(volume).as(node + " mounts a volume at " + dir).isNotNull();
      assertThat(compose.path("volumes").has(volume))
          .as(node + ": " + volume + " is a named volume (one for every node), not a host folder")
          .isTrue();
      stores.add("volume:" + volume);
    }
    assertThat(Set.copyOf(stores)).as("every node uses the same upload store").hasSize(1);
  }

  @Test
  void composeNodesServeMetricsOnTheirOwnUnpublishedPort() throws IOException {
    for (String node : NODES) {
      JsonNode s = compose().at("/services/" + node);
      String port = s.at("/environment/BANTER_METRICS_PORT").asText();
      assertThat(port).as(node + " BANTER_METRICS_PORT").matches("\\d+");
      assertThat(port).isNotEqualTo(Setting.PORT.defaultValue);
      assertThat(texts(s.path("expose"))).as(node + " exposes it on the network").contains(port);
      assertThat(s.has("ports")).as(node + " publishes nothing on the host").isFalse();
    }
  }

  // ---- Kubernetes ----

  @Test
  void kubernetesManifestsAgreeWithEachOtherAndWithTheServer() throws IOException {
    Map<String, JsonNode> k8s = k8s();
    assertThat(k8s.keySet())
        .contains(
            "ConfigMap",
            "Secret",
            "Deployment",
            "Service",
            "Ingress",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "PersistentVolumeClaim");
    JsonNode deployment = k8s.get("Deployment");
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    assertThat(port(container, "http")).isEqualTo(Integer.parseInt(Setting.PORT.defaultValue));
    pinned("Deployment", container.path("image").asText());
    String readiness = container.at("/readinessProbe/httpGet/path").asText();
    String liveness = container.at("/livenessProbe/httpGet/path").asText();
    assertThat(readiness).isEqualTo("/ready");
    assertThat(liveness).isEqualTo("/health");
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
    // the probe paths answer on a real server
    try (TestServer server = TestServer.start(Backend.SQLITE)) {
      assertThat(server.api().get(readiness, null).status()).isEqualTo(200);
      assertThat(server.api().get(liveness, null).status()).isEqualTo(200);
    }
    // every variable given is one Banter reads
    k8s.get("ConfigMap")
        .get("data")
        .fieldNames()
        .forEachRemaining(k -> assertThat(SETTINGS).contains(k));
    k8s.get("Secret")
        .get("stringData")
        .fieldNames()
        .forEachRemaining(k -> assertThat(SETTINGS).contains(k));
    // names and labels line up
    String app = deployment.at("/spec/selector/matchLabels/app").asText();
    assertThat(deployment.at("/spec/template/metadata/labels/app").asText()).isEqualTo(app);
    assertThat(k8s.get("Service").at("/spec/selector/app").asText()).isEqualTo(app);
    assertThat(k8s.get("PodDisruptionBudget").at("/spec/selector/matchLabels/app").asText())
        .isEqualTo(app);
    assertThat(k8s.get("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(k8s.get("Ingress").at("/spec/rules/0/http/paths/0/backend/service/name").asText())
        .isEqualTo(k8s.get("Service").at("/metadata/name").asText());
    assertThat(
            k8s.get("Ingress").at("/spec/rules/0/http/paths/0/backend/service/port/name").asText())
        .isEqualTo("http");
    assertThat(k8s.get("HorizontalPodAutoscaler").at("/spec/scaleTargetRef/name").asText())
        .isEqualTo(deployment.at("/metadata/name").asText());
    assertThat(
            Long.parseLong(
                k8s.get("Ingress")
                    .at("/metadata/annotations")
                    .get("nginx.ingress.kubernetes.io/proxy-read-timeout")
                    .asText()))
        .isGreaterThan(60);
  }

  @Test
  void kubernetesPodsRunLockedDownAndWithinTheirResources() throws IOException {
    JsonNode pod = k8s().get("Deployment").at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    JsonNode sc = container.path("securityContext");
    assertThat(
            sc.path("runAsNonRoot").asBoolean()
                || pod.at("/securityContext/runAsNonRoot").asBoolean())
        .as("runAsNonRoot")
        .isTrue();
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as("readOnlyRootFilesystem").isTrue();
    assertThat(sc.has("allowPrivilegeEscalation")).isTrue();
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean())
        .as("privilege escalation")
        .isFalse();
    assertThat(texts(sc.at("/capabilities/drop"))).as("dropped capabilities").contains("ALL");
    assertThat(sc.at("/capabilities/add").isMissingNode()).as("no capability added").isTrue();
    long uid =
        sc.has("runAsUser")
            ? sc.get("runAsUser").asLong()
            : pod.at("/securityContext/runAsUser").asLong();
    assertThat(uid).as("the image's user").isEqualTo(imageUser(dockerfile()));
    // a read-only root needs a writable /tmp (the JVM, native libraries)
    assertThat(mountedAt(pod, "/tmp")).as("a volume on /tmp").isNotNull();
    assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();
    assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
    assertThat(mebibytes(container.at("/resources/limits/memory").asText()))
        .as("memory limit above the request")
        .isGreaterThanOrEqualTo(mebibytes(container.at("/resources/requests/memory").asText()));
  }

  @Test
  void aPodLeavesTheLoadBalancerAndDrainsWithinItsGracePeriod() throws IOException {
    Map<String, JsonNode> k8s = k8s();
    JsonNode pod = k8s.get("Deployment").at("/spec/template/spec");
    JsonNode preStop = pod.at("/containers/0/lifecycle/preStop");
    long sleep =
        preStop.has("sleep")
            ? preStop.at("/sleep/seconds").asLong()
            : preStopExecSleep(texts(preStop.at("/exec/command")));
    assertThat(sleep)
        .as("preStop sleep, long enough for the endpoint removal")
        .isGreaterThanOrEqualTo(5);
    long drain =
        Long.parseLong(
            k8s.get("ConfigMap").at("/data/BANTER_SHUTDOWN_DRAIN").asText().replace("s", ""));
    assertThat(pod.path("terminationGracePeriodSeconds").asLong())
        .as("the grace period covers the preStop sleep and BANTER_SHUTDOWN_DRAIN")
        .isGreaterThan(drain + sleep);
  }

  @Test
  void theDisruptionBudgetLetsANodeDrainAndKeepsOnePodServing() throws IOException {
    Map<String, JsonNode> k8s = k8s();
    JsonNode pdb = k8s.get("PodDisruptionBudget").get("spec");
    long replicas =
        Math.min(
            k8s.get("Deployment").at("/spec/replicas").asLong(),
            k8s.get("HorizontalPodAutoscaler").at("/spec/minReplicas").asLong());
    assertThat(replicas).as("more than one pod").isGreaterThan(1);
    long allowed =
        pdb.has("minAvailable")
            ? replicas - pdb.get("minAvailable").asLong()
            : pdb.path("maxUnavailable").asLong();
    assertThat(allowed)
        .as("evictions the budget allows at the smallest size")
        .isBetween(1L, replicas - 1);
  }

  @Test
  void kubernetesPodsShareOneUploadStore() throws IOException {
    Map<String, JsonNode> k8s = k8s();
    JsonNode config = k8s.get("ConfigMap").get("data");
    if (config.has("BANTER_S3_BUCKET")) {
      assertThat(k8s.get("Secret").get("stringData").has("BANTER_S3_SECRET_KEY")).isTrue();
      return;
    }
    String dir = config.path("BANTER_UPLOAD_DIR").asText();
    assertThat(dir).as("BANTER_UPLOAD_DIR (or BANTER_S3_BUCKET) is set").isNotEmpty();
    JsonNode pod = k8s.get("Deployment").at("/spec/template/spec");
    JsonNode volume = mountedAt(pod, dir);
    assertThat(volume).as("a volume holds " + dir).isNotNull();
    assertThat(volume.has("emptyDir")).as("uploads are not in an emptyDir").isFalse();
    JsonNode claim = k8s.get("PersistentVolumeClaim");
    assertThat(volume.at("/persistentVolumeClaim/claimName").asText())
        .isEqualTo(claim.at("/metadata/name").asText());
    assertThat(texts(claim.at("/spec/accessModes")))
        .as("every pod mounts it at once")
        .contains("ReadWriteMany");
  }

  @Test
  void kubernetesPodsServeMetricsOnANamedPortThatPrometheusScrapes() throws IOException {
    Map<String, JsonNode> k8s = k8s();
    JsonNode template = k8s.get("Deployment").at("/spec/template");
    JsonNode container = template.at("/spec/containers/0");
    int metrics = port(container, "metrics");
    assertThat(k8s.get("ConfigMap").at("/data/BANTER_METRICS_PORT").asText())
        .isEqualTo(String.valueOf(metrics));
    assertThat(metrics).isNotEqualTo(port(container, "http"));
    JsonNode annotations = template.at("/metadata/annotations");
    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(metrics));
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
    assertThat(k8s.get("Ingress").findValues("name").stream().map(JsonNode::asText))
        .as("the Ingress never routes to the metrics port")
        .doesNotContain("metrics");
  }

  // ---- systemd ----

  /** The unit's {@code Key=value} lines, every value of each key in order (comments left out). */
  private static Map<String, List<String>> unit(String file) throws IOException {
    Map<String, List<String>> out = new HashMap<>();
    for (String line : Files.readAllLines(DEPLOY.resolve(file))) {
      String l = line.strip();
      int eq = l.indexOf('=');
      if (l.isEmpty() || l.startsWith("#") || l.startsWith("[") || eq < 0) {
        continue;
      }
      out.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
    }
    return out;
  }

  @Test
  void theSystemdUnitRunsTheJarLockedDownAndDrainsBeforeItIsKilled() throws IOException {
    Map<String, List<String>> u = unit("systemd/banter.service");
    assertThat(u.get("ExecStart")).singleElement().asString().contains(" -jar ").endsWith(".jar");
    assertThat(u.get("User")).singleElement().isNotEqualTo("root");
    Map<String, String> env = new HashMap<>();
    u.getOrDefault("Environment", List.of())
        .forEach(e -> env.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1)));
    assertThat(SETTINGS).as("every variable the unit sets is a setting").containsAll(env.keySet());
    String dataDir = env.get(Setting.DATA_DIR.variable);
    assertThat(dataDir).isEqualTo("/var/lib/" + u.get("StateDirectory").get(0));
    assertThat(u.get("ReadWritePaths")).as("the data dir is writable").contains(dataDir);
    assertThat(u.get("ProtectSystem")).containsExactly("strict");
    assertThat(u.get("NoNewPrivileges")).containsExactly("true");
    assertThat(u.get("CapabilityBoundingSet")).containsExactly("");
    assertThat(u.get("RestartPreventExitStatus"))
        .as("a bad setting exits 2: restarting would not fix it")
        .containsExactly("2");
    long drain = parseSeconds(Setting.SHUTDOWN_DRAIN.defaultValue);
    assertThat(Long.parseLong(u.get("TimeoutStopSec").get(0)))
        .as("systemd waits longer than the drain before it kills")
        .isGreaterThan(drain);
    assertThat(Long.parseLong(u.get("LimitNOFILE").get(0))).isGreaterThanOrEqualTo(65_536);
  }

  private static long parseSeconds(String duration) {
    assertThat(duration).matches("\\d+s");
    return Long.parseLong(duration.substring(0, duration.length() - 1));
  }

  // ---- nginx with TLS, Grafana ----

  @Test
  void theTlsProxyExampleSendsHstsOnceAndForwardsLikeThePlainOne() throws IOException {
    String tls = Files.readString(DEPLOY.resolve("nginx-tls.conf"));
    String code =
        tls.lines()
            .map(l -> l.replaceFirst("#.*", ""))
            .collect(Collectors.joining("\n")); // comments may mention what the code must not do
    assertThat(code)
        .contains("listen 443 ssl;")
        .contains("ssl_certificate ")
        .contains("ssl_certificate_key ")
        .contains("return 301 https://")
        .contains("proxy_set_header X-Forwarded-Proto $scheme")
        .contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for")
        .contains("proxy_set_header Forwarded \"\"")
        .contains("proxy_set_header Upgrade $http_upgrade")
        .contains("proxy_set_header Host $http_host");
    assertThat(code).doesNotContainPattern("ssl_protocols[^;]*(SSLv3|TLSv1 |TLSv1\\.1)");
    if (code.contains("Strict-Transport-Security")) {
      assertThat(code)
          .as("nginx adds HSTS: Banter's own must be hidden, or browsers get it twice")
          .contains("proxy_hide_header Strict-Transport-Security");
    }
  }

  @Test
  void everyDashboardQuantileIsAQuantileOfAHistogram() throws IOException {
    JsonNode dashboard =
        new ObjectMapper().readTree(DEPLOY.resolve("grafana/banter.json").toFile());
    Pattern named = Pattern.compile("\\bp(\\d{2})\\b");
    int checked = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      Matcher inTitle = named.matcher(panel.path("title").asText());
      List<String> quantiles = new ArrayList<>();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        Matcher inLegend = named.matcher(target.path("legendFormat").asText());
        if (inLegend.find()) {
          assertQuantile(panel, expr, inLegend.group(1));
          checked++;
        }
        if (expr.contains("histogram_quantile")) {
          quantiles.add(expr);
        }
      }
      if (inTitle.find()) {
        String percentile = inTitle.group(1);
        assertThat(quantiles)
            .as("panel '%s' plots a p%s", panel.path("title").asText(), percentile)
            .anyMatch(e -> quantile(e) == Integer.parseInt(percentile) && e.contains("_bucket"));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(5);
  }

  private static void assertQuantile(JsonNode panel, String expr, String percentile) {
    String where = "p" + percentile + " in panel '" + panel.path("title").asText() + "'";
    assertThat(quantile(expr)).as(where).isEqualTo(Integer.parseInt(percentile));
    assertThat(expr).as(where).contains("_bucket").doesNotContain("_max");
  }

  /** The percentile {@code histogram_quantile(0.99, …)} computes (99), or -1 without one. */
  private static int quantile(String expr) {
    Matcher m = HISTOGRAM_QUANTILE.matcher(expr);
    return m.find() ? (int) Math.round(Double.parseDouble(m.group(1)) * 100) : -1;
  }

  // ---- plumbing ----

  private static int port(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  /** The volume whose mount holds {@code path} (the most specific mount wins), or null. */
  private static JsonNode mountedAt(JsonNode pod, String path) {
    String best = null;
    String mount = null;
    for (JsonNode m : pod.at("/containers/0/volumeMounts")) {
      String at = m.path("mountPath").asText();
      if ((path.equals(at) || path.startsWith(at.endsWith("/") ? at : at + "/"))
          && (mount == null || at.length() > mount.length())) {
        mount = at;
        best = m.path("name").asText();
      }
    }
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(best)) {
        return v;
      }
    }
    return null;
  }

  private static long preStopExecSleep(List<String> command) {
    Matcher m = PRE_STOP_SLEEP.matcher(String.join(" ", command));
    assertThat(m.find()).as("the preStop hook sleeps: %s", command).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static long mebibytes(String quantity) {
    Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
    assertThat(m.matches()).as("a quantity in Mi or Gi: " + quantity).isTrue();
    return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
  }
}
