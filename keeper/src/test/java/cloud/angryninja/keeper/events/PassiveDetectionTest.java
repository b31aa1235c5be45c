package cloud.angryninja.keeper.events;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import cloud.angryninja.keeper.metrics.KeeperMetrics;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.probe.ProbeResult.Outcome;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.testing.MetricsText;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Passive detection on real parts: a real OpenCode 1.18.33 server whose Copilot provider points at
 * a WireMock stand-in, the keeper reading its {@code /global/event} stream, the credential Secret in
 * a Kubernetes API (fabric8 mock server, CRUD mode). A user's prompt refused with 401 flips
 * {@code credential_valid} to 0 within 5 s, with the probe interval at 1 h.
 */
@Tier.Integration
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PromptWorkspacesResource.class)
class PassiveDetectionTest {

    static final HttpClient USER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    WireMockServer copilot;

    @Inject
    KubernetesClient kube;

    @Inject
    Workspaces workspaces;

    @Inject
    Prober prober;

    @Inject
    cloud.angryninja.keeper.probe.ProbeCycle cycle;

    @Inject
    cloud.angryninja.keeper.probe.RateLimitWindow rateLimits;

    @Inject
    cloud.angryninja.keeper.probe.WorkspaceStates states;

    /** This test's prompt: what the Copilot stand-in answers for this test alone. */
    final String promptText = "hi " + java.util.UUID.randomUUID();

    @BeforeEach
    void liveCredential() {
        // the first cycle runs at start-up, before the Secret exists: let it end so it cannot overwrite a later probe
        await().atMost(Duration.ofSeconds(30)).until(() -> cycle.cycles() >= 1);
        // the stand-in answers this test's prompt: a chat request OpenCode still sends for an earlier test's session (a
        // retry, the session's title) cannot turn this test's credential revoked
        PromptWorkspacesResource.stubCopilot(copilot, promptText);
        // every test starts outside a 429 window: one an earlier test's 429 opened (keeper.probe.rate-limit-window) is closed,
        // not waited out
        rateLimits.clear();
        Workspace victim = victim();
        String auth = TestCredentials.authJson(PromptWorkspacesResource.TOKEN);
        kube.secrets().inNamespace(victim.namespace()).resource(new SecretBuilder()
                .withNewMetadata().withName(victim.secret()).withNamespace(victim.namespace()).endMetadata()
                .addToData(victim.secretKey(), Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)))
                .build()).createOr(existing -> existing.update());
    }

    /**
     * Every session of the victim's OpenCode stops what it does: a prompt OpenCode still retries ends with its test (one
     * refused with a 14-day quota wait would otherwise wait the 14 days).
     */
    @AfterEach
    void abortEverySession() throws IOException, InterruptedException {
        for (com.fasterxml.jackson.databind.JsonNode session : openCodeGet("/session")) {
            openCode("/session/" + session.path("id").asText() + "/abort", "{}");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode openCodeGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = USER.send(HttpRequest.newBuilder(URI.create(urlOf("victim") + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", OpenCodeClient.basicAuth("opencode", PromptWorkspacesResource.PASSWORD)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private Workspace victim() {
        return workspaces.byName("victim").orElseThrow();
    }

    private static Optional<Double> sample(String name, String workspace) {
        return MetricsText.workspace(name, workspace);
    }

    private static Optional<Double> authErrors(String workspace, int status) {
        return MetricsText.value(MetricsText.scrape(), EventMetrics.AUTH_ERRORS,
                Map.of("workspace", workspace, "status", Integer.toString(status)));
    }

    @Test
    void aUsersFirstRefusedCopilotRequestFlipsCredentialValidWithinFiveSeconds() throws Exception {
        assertThat(prober.probeNow(victim()).credential().outcome()).isEqualTo(Outcome.PASS);
        assertThat(sample(KeeperMetrics.CREDENTIAL_VALID, "victim")).contains(1.0);
        await().atMost(Duration.ofSeconds(15)).until(() -> sample(EventMetrics.STREAM_CONNECTED, "victim").equals(Optional.of(1.0)));
        double errorsBefore = authErrors("victim", 401).orElseThrow();
        long cyclesBefore = cycle.cycles();

        String session = openCode("/session", "{}").path("id").asText();
        long sent = System.nanoTime();
        CompletableFuture<com.fasterxml.jackson.databind.JsonNode> prompt = CompletableFuture.supplyAsync(() -> openCode(
                "/session/" + session + "/message", "{\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"},"
                        + "\"parts\":[{\"type\":\"text\",\"text\":\"" + promptText + "\"}]}"));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> sample(KeeperMetrics.CREDENTIAL_VALID, "victim").equals(Optional.of(0.0)));
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        Instant flipped = Instant.now();
        Instant firstRefused = copilot.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals("POST"))
                .map(e -> e.getRequest().getLoggedDate().toInstant()).min(Comparator.naturalOrder()).orElseThrow();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(Duration.between(firstRefused, flipped)).as("from the first refused Copilot request").isLessThan(Duration.ofSeconds(5));
        assertThat(authErrors("victim", 401)).contains(errorsBefore + 1);
        assertThat(authErrors("victim", 403)).contains(0.0);
        assertThat(cycle.cycles()).as("no probe cycle ran: the event triggered the check").isEqualTo(cyclesBefore);
        assertThat(states.of("victim").orElseThrow().credential().reason()).contains("HTTP 401");
        copilot.verify(postRequestedFor(urlMatching("/(responses|chat/completions)"))
                .withHeader("Authorization", equalTo("Bearer " + PromptWorkspacesResource.TOKEN)));
        // OpenCode answered the user with the same error the keeper saw on the stream
        assertThat(prompt.get().path("info").path("error").path("data").path("statusCode").asInt()).isEqualTo(401);
    }

    @Test
    void aUsersRequestRateLimitedWith429IsCountedAndTheStateIsRateLimited() throws Exception {
        PromptWorkspacesResource.stubRateLimited(copilot);
        assertThat(prober.probeNow(victim()).state()).isEqualTo(cloud.angryninja.keeper.copilot.CopilotState.WORKING);
        await().atMost(Duration.ofSeconds(15)).until(() -> sample(EventMetrics.STREAM_CONNECTED, "victim").equals(Optional.of(1.0)));
        double before = authErrors("victim", 429).orElseThrow();
        double before401 = authErrors("victim", 401).orElseThrow();

        String session = openCode("/session", "{}").path("id").asText();
        CompletableFuture<com.fasterxml.jackson.databind.JsonNode> prompt = CompletableFuture.supplyAsync(() -> openCode(
                "/session/" + session + "/message", "{\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"},"
                        + "\"parts\":[{\"type\":\"text\",\"text\":\"" + promptText + "\"}]}", Duration.ofMinutes(4)));

        // OpenCode 1.18.33 retries a 429 five times (50 ms apart, as the stand-in's retry-after-ms says) before it
        // reports session.error with statusCode 429
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> authErrors("victim", 429).orElse(0.0) > before);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> states.of("victim").orElseThrow().state() == cloud.angryninja.keeper.copilot.CopilotState.RATE_LIMITED);
        assertThat(MetricsText.value(MetricsText.scrape(), KeeperMetrics.STATE, Map.of("workspace", "victim", "state", "rate_limited")))
                .contains(1.0);
        assertThat(sample(KeeperMetrics.CREDENTIAL_VALID, "victim")).as("the credential is still accepted").contains(1.0);
        assertThat(authErrors("victim", 401)).as("counted as 429 only").contains(before401);
        assertThat(prompt.get(60, java.util.concurrent.TimeUnit.SECONDS).path("info").path("error").path("data").path("statusCode").asInt())
                .isEqualTo(429);
    }

    /**
     * A quota whose reset is 14 days away: OpenCode 1.18.33 retries once and then waits, reporting one
     * {@code session.status} retry and no {@code session.error}. The state is {@code rate_limited} within seconds of
     * the first refused request, with the probe interval at 1 h.
     */
    @Test
    void aQuotaWaitOfDaysIsRateLimitedWithinSecondsOfTheFirstRefusal() throws Exception {
        PromptWorkspacesResource.stubQuotaExhausted(copilot);
        assertThat(prober.probeNow(victim()).state()).isEqualTo(cloud.angryninja.keeper.copilot.CopilotState.WORKING);
        await().atMost(Duration.ofSeconds(15)).until(() -> sample(EventMetrics.STREAM_CONNECTED, "victim").equals(Optional.of(1.0)));
        double before = authErrors("victim", 429).orElseThrow();
        long cyclesBefore = cycle.cycles();

        String session = openCode("/session", "{}").path("id").asText();
        CompletableFuture.runAsync(() -> openCode("/session/" + session + "/message", "{\"model\":{\"providerID\":\"github-copilot\","
                + "\"modelID\":\"gpt-5-mini\"},\"parts\":[{\"type\":\"text\",\"text\":\"" + promptText + "\"}]}", Duration.ofMinutes(2)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> states.of("victim").orElseThrow().state() == cloud.angryninja.keeper.copilot.CopilotState.RATE_LIMITED);
        Instant limited = Instant.now();
        Instant firstRefused = copilot.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals("POST"))
                .map(e -> e.getRequest().getLoggedDate().toInstant()).min(Comparator.naturalOrder()).orElseThrow();
        assertThat(Duration.between(firstRefused, limited)).as("from the first refused Copilot request").isLessThan(Duration.ofSeconds(10));
        assertThat(authErrors("victim", 429).orElseThrow()).isGreaterThan(before);
        assertThat(cycle.cycles()).as("no probe cycle ran: the retry event triggered the check").isEqualTo(cyclesBefore);
        assertThat(sample(KeeperMetrics.CREDENTIAL_VALID, "victim")).as("the credential is still accepted").contains(1.0);
    }

    @Test
    void everyWorkspaceHasItsSeriesFromTheStart() {
        String metrics = MetricsText.scrape();
        for (String w : new String[] {"victim", "wrongpw", "down"}) {
            assertThat(metrics).contains("opencode_keeper_copilot_auth_errors_total{status=\"401\",workspace=\"" + w + "\"}");
            assertThat(metrics).contains("opencode_keeper_copilot_auth_errors_total{status=\"403\",workspace=\"" + w + "\"}");
            assertThat(metrics).contains("opencode_keeper_copilot_auth_errors_total{status=\"429\",workspace=\"" + w + "\"}");
            assertThat(metrics).contains("opencode_keeper_event_stream_connected{workspace=\"" + w + "\"}");
            assertThat(metrics).contains("opencode_keeper_event_stream_reconnects_total{workspace=\"" + w + "\"}");
        }
    }

    @Test
    void aStreamThatCannotOpenIsAMetricNeverACrash() {
        await().atMost(Duration.ofSeconds(15)).until(() -> sample(EventMetrics.RECONNECTS, "wrongpw").orElse(0.0) >= 2
                && sample(EventMetrics.RECONNECTS, "down").orElse(0.0) >= 2);

        assertThat(sample(EventMetrics.STREAM_CONNECTED, "wrongpw")).contains(0.0);
        assertThat(sample(EventMetrics.STREAM_CONNECTED, "down")).contains(0.0);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(prober.probeNow(victim()).up().outcome()).as("probes run beside the streams").isEqualTo(Outcome.PASS);
    }

    /** A user's call to the victim's OpenCode (basic auth, HTTP/1.1), answering its JSON body. */
    private static com.fasterxml.jackson.databind.JsonNode openCode(String path, String body) {
        return openCode(path, body, Duration.ofSeconds(60));
    }

    private static com.fasterxml.jackson.databind.JsonNode openCode(String path, String body, Duration timeout) {
        URI uri = URI.create(urlOf("victim") + path);
        String basic = OpenCodeClient.basicAuth("opencode", PromptWorkspacesResource.PASSWORD);
        try {
            HttpResponse<String> r = USER.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("POST " + path).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String urlOf(String workspace) {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("keeper.workspaces." + workspace + ".url", String.class);
    }
}
