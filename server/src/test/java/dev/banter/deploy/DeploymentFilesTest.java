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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Docker, Compose and Kubernetes files cannot run here (no container engine): they are parsed,
 * and what they say about Banter (port, probe paths, variables, names) is checked against the code.
 */
class DeploymentFilesTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SETTINGS =
      Arrays.stream(Setting.values()).map(s -> s.variable).collect(Collectors.toSet());

  private static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).readValues(DEPLOY.resolve(file).toFile())) {
      while (it.hasNext()) {
        docs.add((JsonNode) it.next());
      }
    }
    return docs;
  }

  private static Map<String, JsonNode> byKind(String... files) throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    for (String f : files) {
      for (JsonNode d : documents(f)) {
        out.put(d.get("kind").asText(), d);
      }
    }
    return out;
  }

  @Test
  void theDockerfileBuildsInTwoStagesAndRunsAsNonRootWithAHealthCheck() throws IOException {
    String docker = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertThat(docker.lines().filter(l -> l.startsWith("FROM ")).count()).isEqualTo(2);
    assertThat(docker)
        .contains("EXPOSE " + Setting.PORT.defaultValue)
        .contains("/health")
        .contains("COPY --from=build /src/server/target/banter.jar");
    String user =
        docker
            .lines()
            .filter(l -> l.startsWith("USER "))
            .findFirst()
            .orElseThrow()
            .substring(5)
            .strip();
    assertThat(user).isNotIn("0", "root");
  }

  @Test
  void composeRunsTwoNodesOnPostgresAndRedisBehindAProxy() throws IOException {
    JsonNode compose = documents("docker-compose.yml").get(0).get("services");
    assertThat(compose.has("postgres")).isTrue();
    assertThat(compose.has("redis")).isTrue();
    for (String node : List.of("banter-1", "banter-2")) {
      JsonNode env = compose.get(node).get("environment");
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
    assertThat(compose.get("banter-1").at("/environment/BANTER_NODE_ID").asText())
        .isNotEqualTo(compose.get("banter-2").at("/environment/BANTER_NODE_ID").asText());
    String nginx = Files.readString(DEPLOY.resolve("nginx.conf"));
    assertThat(nginx)
        .contains("banter-1:" + Setting.PORT.defaultValue)
        .contains("banter-2:" + Setting.PORT.defaultValue)
        .contains("proxy_set_header Upgrade $http_upgrade")
        .contains(
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for"); // BehindNginxTest runs
    // it
  }

  @Test
  void kubernetesManifestsAgreeWithEachOtherAndWithTheServer() throws IOException {
    Map<String, JsonNode> k8s =
        byKind("k8s/config.yaml", "k8s/deployment.yaml", "k8s/service.yaml", "k8s/scaling.yaml");
    assertThat(k8s.keySet())
        .contains(
            "ConfigMap",
            "Secret",
            "Deployment",
            "Service",
            "Ingress",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget");
    JsonNode deployment = k8s.get("Deployment");
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    assertThat(container.at("/ports/0/containerPort").asInt())
        .isEqualTo(Integer.parseInt(Setting.PORT.defaultValue));
    String readiness = container.at("/readinessProbe/httpGet/path").asText();
    String liveness = container.at("/livenessProbe/httpGet/path").asText();
    assertThat(container.at("/lifecycle/preStop").isMissingNode()).isFalse();
    // the probe paths answer on a real server
    try (TestServer server = TestServer.start(Backend.SQLITE)) {
      assertThat(server.api().get(readiness, null).status()).isEqualTo(200);
      assertThat(server.api().get(liveness, null).status()).isEqualTo(200);
    }
    // the drain fits in the grace period
    long drain =
        Long.parseLong(
            k8s.get("ConfigMap").at("/data/BANTER_SHUTDOWN_DRAIN").asText().replace("s", ""));
    long preStop = container.at("/lifecycle/preStop/sleep/seconds").asLong();
    assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asLong())
        .isGreaterThan(drain + preStop);
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
    assertThat(k8s.get("Service").at("/spec/ports/0/targetPort").asText())
        .isEqualTo(container.at("/ports/0/name").asText());
    assertThat(k8s.get("Ingress").at("/spec/rules/0/http/paths/0/backend/service/name").asText())
        .isEqualTo(k8s.get("Service").at("/metadata/name").asText());
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
}
