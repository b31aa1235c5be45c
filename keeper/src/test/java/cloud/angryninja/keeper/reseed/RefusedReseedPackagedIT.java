package cloud.angryninja.keeper.reseed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.apps.Deployment;

import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.kube.ExternalSecrets;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.PackagedKeeper;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Black box, the packaged keeper on loopback stand-ins: every refused reseed (bad body, malformed github-copilot
 * field, enterpriseUrl that is no bare domain, bad query parameter), in rollout and in live mode, answers a 4xx
 * {@code rejected}, leaves the Doppler value and the Secret byte-for-byte as they were, makes no write to the cluster,
 * counts no failure, and never opens a connection to the host an unvalidated enterpriseUrl names (a loopback
 * listener that must see none). The Copilot stand-in accepts the new token: a body that got past the input step would
 * go on to write Doppler, so the checks can fail.
 */
@Tier.Packaged
class RefusedReseedPackagedIT {

    static final String API_TOKEN = "refused-reseed-it";
    static final String OLD = "gho_ITold000000000000";
    static final String NEW = "gho_ITnew111111111111";
    static final String NS = "opencode";
    static final String WS = "flux";
    static final String SECRET = "flux-secret";
    static final String KEY = "COPILOT_AUTH_JSON";
    static final String DOPPLER_NAME = "FLUX_COPILOT_AUTH_JSON";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    MockCluster cluster;
    WireMockServer doppler;
    WireMockServer copilot;
    ServerSocket trap;
    final AtomicInteger trapped = new AtomicInteger();
    PackagedKeeper keeper;

    @BeforeEach
    void start() throws IOException {
        cluster = MockCluster.start();
        cluster.controllerClient().genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(NS)
                .resource(MockCluster.externalSecret(NS, WS, SECRET, KEY, DOPPLER_NAME, "Periodic")).create();
        cluster.controllerClient().resource(MockCluster.secret(NS, SECRET, KEY, TestCredentials.authJson(OLD))).create();
        cluster.controllerClient().resource(MockCluster.deployment(NS, WS, SECRET, false)).create();

        doppler = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        doppler.start();
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(JSON.createObjectNode().put("name", DOPPLER_NAME)
                        .set("value", JSON.createObjectNode().put("raw", TestCredentials.authJson(OLD))
                                .put("computed", TestCredentials.authJson(OLD)))
                        .toString())));
        doppler.stubFor(post(urlPathEqualTo(DopplerWireMock.WRITE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"success\":true}")));

        copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
        copilot.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer " + NEW))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}")));

        trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!trap.isClosed()) {
                try (Socket s = trap.accept()) {
                    trapped.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });

        List<String> props = List.of("-Dkeeper.api.token=" + API_TOKEN, "-Dkeeper.probe.interval=1h",
                "-Dkeeper.workspaces." + WS + ".url=http://127.0.0.1:" + closedPort(),
                "-Dkeeper.workspaces." + WS + ".deployment=" + WS, "-Dkeeper.workspaces." + WS + ".external-secret=" + WS,
                "-Dkeeper.workspaces." + WS + ".secret=" + SECRET, "-Dkeeper.workspaces." + WS + ".doppler-secret=" + DOPPLER_NAME,
                "-Dkeeper.doppler.api-url=" + doppler.baseUrl(), "-Dkeeper.doppler.token=" + DopplerWireMock.TOKEN,
                "-Dkeeper.doppler.project=" + DopplerWireMock.PROJECT, "-Dkeeper.doppler.config=" + DopplerWireMock.CONFIG,
                "-Dkeeper.copilot.api-url=" + copilot.baseUrl(), "-Dkeeper.copilot.timeout=3s",
                "-Dkubernetes.master=" + cluster.client().getConfiguration().getMasterUrl(), "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.namespace=" + NS);
        keeper = PackagedKeeper.start(List.of(), props, dir.resolve("keeper"));
        keeper.awaitReady(Duration.ofSeconds(90));
    }

    @AfterEach
    void stop() throws IOException {
        if (keeper != null) {
            keeper.close();
        }
        trap.close();
        doppler.stop();
        copilot.stop();
        cluster.close();
    }

    record Case(String query, String body, int status, String names) {
    }

    @Test
    void everyRefusedReseedLeavesDopplerAndTheSecretAsTheyWereInBothModes() throws Exception {
        String entry = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + NEW + "\",\"access\":\"" + NEW + "\",%s}}";
        String hijack = "u:p@127.0.0.1:" + trap.getLocalPort() + "/x";
        String good = TestCredentials.authJson(NEW);
        List<Case> bodies = List.of(
                new Case("", entry.formatted("\"expires\":1e999999"), 422, "\"expires\""),
                new Case("", entry.formatted("\"expires\":\"soon\""), 422, "\"expires\""),
                new Case("", entry.formatted("\"expires\":0,\"enterpriseUrl\":null"), 422, "\"enterpriseUrl\""),
                new Case("force=true", entry.formatted("\"expires\":0,\"enterpriseUrl\":\"" + hijack + "\""), 422, "\"enterpriseUrl\""),
                new Case("force=true", entry.formatted("\"expires\":0,\"enterpriseUrl\":\"https://127.0.0.1:" + trap.getLocalPort() + "\""), 422,
                        "\"enterpriseUrl\""),
                new Case("", entry.formatted("\"expires\":0,\"enterpriseUrl\":\"ghe.example.com%\""), 422, "\"enterpriseUrl\""),
                new Case("", "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_a\\u0007" + NEW + "\",\"expires\":0}}", 422, "\"refresh\""),
                new Case("", "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_\u00e9" + NEW + "\",\"expires\":0}}", 422, "\"refresh\""),
                new Case("", good + "{\"github-copilot\":{}}", 400, "text after its JSON value"),
                new Case("", "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + NEW + "\",\"refresh\":\"" + OLD + "\"}}", 400, "key given twice"),
                new Case("dryRun=", good, 400, "?dryRun"),
                new Case("dryRun", good, 400, "?dryRun"),
                new Case("force=true&force=false", good, 400, "?force"),
                new Case("workspace=", good, 400, "?workspace"),
                new Case("workspace=gho_SECRETquery", good, 400, "?workspace"),
                new Case("mode=", good, 400, "?mode"),
                new Case("dryRun=TRUE", good, 400, "?dryRun"));
        String secretBefore = secretData();
        Deployment deploymentBefore = deployment();
        List<String> problems = new ArrayList<>();
        for (String mode : List.of("", "mode=live")) {
            for (Case c : bodies) {
                if (!mode.isEmpty() && c.query().startsWith("mode=")) {
                    continue; // the mode case itself is the parameter under test
                }
                String query = String.join("&", java.util.stream.Stream.of(c.query(), mode).filter(q -> !q.isEmpty()).toList());
                HttpResponse<String> r = reseed(query, c.body());
                String what = "?" + query + " " + c.names();
                JsonNode reply = JSON.readTree(r.body());
                if (r.statusCode() != c.status() || !"rejected".equals(reply.path("result").asText())
                        || !reply.path("message").asText().contains(c.names())) {
                    problems.add(what + ": HTTP " + r.statusCode() + " " + reply.path("result").asText() + " " + reply.path("message").asText());
                }
                for (String leak : List.of(NEW, OLD, "gho_SECRET", "soon", "TRUE", hijack)) {
                    if (r.body().contains(leak) || keeper.log().contains(leak)) {
                        problems.add(what + ": the reply or the log holds a value of the request");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
        doppler.verify(0, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
        assertThat(secretData()).as("the Secret, byte for byte").isEqualTo(secretBefore);
        Deployment after = deployment();
        assertThat(after.getMetadata().getGeneration()).isEqualTo(deploymentBefore.getMetadata().getGeneration());
        assertThat(after.getMetadata().getAnnotations()).isEqualTo(deploymentBefore.getMetadata().getAnnotations());
        assertThat(after.getSpec().getTemplate()).isEqualTo(deploymentBefore.getSpec().getTemplate());
        assertThat(cluster.calls().keeperCalls().stream().map(c -> c.verb()).filter(v -> !Set.of("get", "list", "watch").contains(v)).toList())
                .as("no write to the cluster").isEmpty();
        assertThat(trapped.get()).as("connections to the host an unvalidated enterpriseUrl names").isZero();
        assertThat(keeper.metrics()).doesNotContainPattern("opencode_keeper_reseed_total\\{[^}]*result=\"failure\"[^}]*\\} [1-9]");

        // The same stand-ins take a good body: the checks above could fail.
        HttpResponse<String> dry = reseed("dryRun=true", good);
        assertThat(dry.statusCode()).as(dry.body()).isIn(200, 412);
        assertThat(copilot.getAllServeEvents()).as("a good body reaches the Copilot stand-in").isNotEmpty();
    }

    private HttpResponse<String> reseed(String query, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(keeper.uri("/reseed") + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + API_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String secretData() {
        return cluster.controllerClient().secrets().inNamespace(NS).withName(SECRET).get().getData().get(KEY);
    }

    private Deployment deployment() {
        return cluster.controllerClient().apps().deployments().inNamespace(NS).withName(WS).get();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
