package cloud.angryninja.keeper.reseed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.sandbox.ApiCalls;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * {@code POST /reseed} on the running keeper: every bad input (status, message, and no Doppler call, no patch, no
 * rollout), the reply shapes, the metrics at start, and the whole flow end to end against WireMock Doppler, a mock
 * Kubernetes API with ESO, Deployment-controller and Reloader stand-ins, and real OpenCode servers that a rollout
 * restarts with the auth.json their Secret holds; the final verify probes them.
 */
@Tier.Integration
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(RealOpenCodeWorkspaces.class)
@WithTestResource(DopplerWireMock.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReseedResourceTest {

    static final String AUTH = "Bearer test-token";
    static final String NEW = TestCredentials.authJson(RealOpenCodeWorkspaces.NEW_TOKEN);
    static final String OTHER_PROVIDER_KEY = "sk-ant-CANARYother9f1";
    static final String LAPTOP_FILE = "{\"anthropic\":{\"type\":\"api\",\"key\":\"" + OTHER_PROVIDER_KEY + "\"},"
            + "\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + RealOpenCodeWorkspaces.NEW_TOKEN + "\",\"access\":\""
            + RealOpenCodeWorkspaces.NEW_TOKEN + "\",\"expires\":0}}";
    static final ObjectMapper JSON = new ObjectMapper();

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    Workspaces workspaces;

    @DopplerWireMock.Server
    WireMockServer doppler;

    @RealOpenCodeWorkspaces.World
    RealOpenCodeWorkspaces world;

    static RealWorkspacesCluster cluster;
    static KubernetesClient controllers;
    static FakeDeploymentController deployments;
    static ApiCalls calls;
    static final cloud.angryninja.keeper.testing.LogCapture logs = cloud.angryninja.keeper.testing.LogCapture.start();

    @BeforeEach
    void cluster() {
        doppler.resetAll();
        if (controllers != null) {
            calls.clear();
            return;
        }
        cluster = RealWorkspacesCluster.start(client, workspaces, doppler, world);
        controllers = cluster.controllers;
        deployments = cluster.deployments;
        calls = new ApiCalls(server.getKubernetesMockServer());
        calls.clear();
    }

    @AfterAll
    static void stopControllers() {
        logs.closeAndAssertNoLineHolds(RealOpenCodeWorkspaces.NEW_TOKEN, RealOpenCodeWorkspaces.OLD_TOKEN, RealOpenCodeWorkspaces.REVOKED_TOKEN,
                OTHER_PROVIDER_KEY, DopplerWireMock.TOKEN, "test-token");
        assertThat(logs.linesContaining("step=verify_after outcome=success")).as("the capture saw the whole flow").isNotEmpty();
        assertThat(logs.linesContaining("step=live_apply outcome=success")).as("the capture saw the live apply").isNotEmpty();
        if (cluster != null) {
            cluster.close();
        }
        cluster = null;
        controllers = null;
    }

    Workspace workspace(String name) {
        return workspaces.byName(name).orElseThrow();
    }

    String secretValue(Workspace w) {
        return cluster.secretValue(w);
    }

    int rollouts() {
        return workspaces.all().stream().mapToInt(w -> deployments.rollouts(w.namespace(), w.deployment())).sum();
    }

    void assertNothingChanged(int rolloutsBefore) {
        assertThat(doppler.getAllServeEvents()).as("Doppler calls").isEmpty();
        assertThat(calls.keeperCalls().stream().filter(c -> c.verb().equals("patch")).toList()).as("patches").isEmpty();
        assertThat(rollouts()).as("rollouts").isEqualTo(rolloutsBefore);
    }

    static Response post(String body, String query) {
        return given().header("Authorization", AUTH).contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .post("/reseed" + query);
    }

    // --- bad input: status, message, nothing changed -----------------------------------------------------------

    @Test
    @Order(1)
    void withoutTheBearerTokenIs401() {
        int before = rollouts();
        given().contentType("application/json").body(NEW).post("/reseed").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").contentType("application/json").body(NEW).post("/reseed").then().statusCode(401)
                .body("error", org.hamcrest.Matchers.equalTo("missing or wrong bearer token"));
        assertNothingChanged(before);
    }

    @Test
    @Order(2)
    void everyBadInputGetsItsStatusAndMessageAndChangesNothing() throws Exception {
        record Case(String body, String query, int status, String message) {
        }
        String entry = "{\"github-copilot\":%s}";
        List<Case> cases = List.of(
                new Case("x".repeat(64 * 1024 + 1), "", 413, "larger than 64 KiB"),
                new Case("", "", 400, "the body is empty"),
                new Case("not json", "", 400, "not valid JSON (line 1, column"),
                new Case("[1,2]", "", 400, "must be a JSON object"),
                new Case("{\"anthropic\":{\"type\":\"api\",\"key\":\"" + OTHER_PROVIDER_KEY + "\"}}", "", 422,
                        "no github-copilot entry (found only [anthropic])"),
                new Case(entry.formatted("\"text\""), "", 422, "entry must be a JSON object"),
                new Case(entry.formatted("{\"type\":\"api\",\"refresh\":\"gho_x\"}"), "", 422, "\"type\" must be the string \"oauth\""),
                new Case(entry.formatted("{\"type\":\"oauth\",\"refresh\":\"\"}"), "", 422, "\"refresh\" must be 1 to 4096 visible ASCII"),
                new Case("{\"type\":\"oauth\"}", "", 422, "\"refresh\" is missing"),
                new Case(entry.formatted("{\"type\":\"oauth\",\"refresh\":\"gho_x\",\"expires\":1e999999}"), "", 422, "\"expires\" must be an integer"),
                new Case(entry.formatted("{\"type\":\"oauth\",\"refresh\":\"gho_x\",\"expires\":\"soon\"}"), "", 422, "\"expires\" must be an integer"),
                new Case(entry.formatted("{\"type\":\"oauth\",\"refresh\":\"gho_x\",\"enterpriseUrl\":null}"), "", 422, "\"enterpriseUrl\" must be a string"),
                new Case(entry.formatted("{\"type\":\"oauth\",\"refresh\":\"gho_x\",\"enterpriseUrl\":\"u:p@127.0.0.1:1/x\"}"), "", 422,
                        "\"enterpriseUrl\" must be a bare GitHub Enterprise domain"),
                new Case(entry.formatted("{\"type\":\"oauth\",\"refresh\":\"gho_\u00e9x\"}"), "", 422, "\"refresh\" must be 1 to 4096 visible ASCII"),
                new Case(entry.formatted("{\"type\":\"oauth\",\"refresh\":\"gho_a\\u0007b\"}"), "", 422, "\"refresh\" must be 1 to 4096 visible ASCII"),
                new Case(NEW + " {}", "", 400, "text after its JSON value"),
                new Case("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_x\",\"refresh\":\"gho_y\"}}", "", 400, "a key given twice"),
                new Case(NEW, "?workspace=gamma", 400, "?workspace names no configured workspace; configured: alpha, beta"),
                new Case(NEW, "?workspace=", 400, "?workspace is empty or has no value"),
                new Case(NEW, "?dryRun=yes", 400, "?dryRun takes exactly true or false"),
                new Case(NEW, "?dryRun=", 400, "?dryRun is empty or has no value"),
                new Case(NEW, "?dryRun", 400, "?dryRun is empty or has no value"),
                new Case(NEW, "?force", 400, "?force is empty or has no value"),
                new Case(NEW, "?dryRun=true&dryRun=false", 400, "?dryRun is given 2 times"),
                new Case(NEW, "?dryrun=true", 400, "an unknown query parameter"),
                new Case(NEW, "?mode=", 400, "?mode is empty or has no value"),
                new Case(NEW, "?mode=restart", 400, "?mode takes exactly rollout or live"),
                new Case(TestCredentials.authJson(RealOpenCodeWorkspaces.REVOKED_TOKEN), "", 422,
                        "credential rejected by Copilot (HTTP 401"));
        int before = rollouts();
        for (Case c : cases) {
            doppler.resetAll();
            calls.clear();
            Response r = post(c.body(), c.query());
            JsonNode reply = JSON.readTree(r.asString());
            assertThat(r.statusCode()).as(c.message()).isEqualTo(c.status());
            assertThat(reply.path("message").asText()).as(c.message()).contains(c.message()).endsWith("nothing changed");
            assertThat(reply.path("result").asText()).isEqualTo("rejected");
            assertThat(r.asString()).doesNotContain(OTHER_PROVIDER_KEY).doesNotContain(RealOpenCodeWorkspaces.REVOKED_TOKEN)
                    .doesNotContain("gamma").doesNotContain("restart").doesNotContain("yes");
            assertNothingChanged(before);
        }
    }

    // --- reply shapes and metrics ------------------------------------------------------------------------------

    @Test
    @Order(3)
    void aDryRunAnswersTextLinesWhenAskedAndChangesNothing() {
        int before = rollouts();
        String text = given().header("Authorization", AUTH).header("Accept", "text/plain").body(LAPTOP_FILE)
                .post("/reseed?dryRun=true&workspace=beta").then().statusCode(200).contentType("text/plain").extract().asString();

        String fingerprint = CopilotCredential.fingerprint(RealOpenCodeWorkspaces.NEW_TOKEN);
        assertThat(text).startsWith("reseed ").contains("(dry run), credential " + fingerprint + ", ignored providers anthropic\n")
                .contains("\nbeta input success ").contains("\nbeta verify_before success ")
                .contains("\nbeta doppler skipped 0 ms: not reached\n").contains("\nresult: success (HTTP 200)")
                .doesNotContain("alpha").doesNotContain(RealOpenCodeWorkspaces.NEW_TOKEN).doesNotContain(OTHER_PROVIDER_KEY);
        assertNothingChanged(before);
    }

    @Test
    @Order(4)
    void everyReseedSeriesExistsFromTheStart() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String w : RealOpenCodeWorkspaces.WORKSPACES) {
            for (ReseedResult r : ReseedResult.values()) {
                assertThat(metrics).contains("opencode_keeper_reseed_total{result=\"" + r.label() + "\",workspace=\"" + w + "\"}");
            }
            assertThat(metrics).contains("opencode_keeper_reseed_last_success_timestamp_seconds{workspace=\"" + w + "\"}");
        }
        for (Step s : Step.values()) {
            assertThat(metrics).contains("opencode_keeper_reseed_step_duration_seconds_count{step=\"" + s.label() + "\"}")
                    .contains("opencode_keeper_reseed_step_duration_seconds_bucket{step=\"" + s.label() + "\",le=\"300.0\"}");
        }
    }

    // --- end to end -----------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void aForcedRolloutReachesBothWorkspacesAndTheRestartedOpenCodeIsVerified() throws Exception {
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).willReturn(aResponse().withStatus(404)
                .withBody("{\"messages\":[\"Could not find requested secret\"],\"success\":false}")));
        doppler.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(DopplerWireMock.WRITE_PATH)).willReturn(okJson("{\"success\":true}")));
        int startsBefore = world.starts("alpha") + world.starts("beta");

        Response r = post(LAPTOP_FILE, "?mode=rollout");
        JsonNode reply = JSON.readTree(r.asString());

        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        String reduced = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + RealOpenCodeWorkspaces.NEW_TOKEN + "\",\"access\":\""
                + RealOpenCodeWorkspaces.NEW_TOKEN + "\",\"expires\":0}}";
        doppler.verify(1, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH))
                .withHeader("Authorization", equalTo("Bearer " + DopplerWireMock.TOKEN)));
        assertThat(DopplerWireMock.writes(doppler)).containsExactly(Map.of("ALPHA_COPILOT_AUTH_JSON", reduced, "BETA_COPILOT_AUTH_JSON", reduced));
        JsonNode body = JSON.readTree(doppler.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals("POST"))
                .findFirst().orElseThrow().getRequest().getBodyAsString());
        assertThat(body.path("project").asText()).isEqualTo(DopplerWireMock.PROJECT);
        assertThat(body.path("config").asText()).isEqualTo(DopplerWireMock.CONFIG);
        for (String w : RealOpenCodeWorkspaces.WORKSPACES) {
            assertThat(secretValue(workspace(w))).isEqualTo(reduced);
            assertThat(world.authJsonOf(w)).as("the running OpenCode's auth.json").isEqualTo(reduced);
            assertThat(deployments.rollouts("opencode", w)).as("one rollout of " + w).isEqualTo(1);
        }
        assertThat(world.starts("alpha") + world.starts("beta")).isEqualTo(startsBefore + 2);
        assertThat(reply.path("ignoredProviders").get(0).asText()).isEqualTo("anthropic");
        assertThat(reply.path("source").asText()).isEqualTo("api");
        for (JsonNode w : reply.path("workspaces")) {
            assertThat(w.path("verified").asBoolean()).isTrue();
            assertThat(w.path("applied").asText()).isEqualTo("rollout");
            assertThat(w.path("steps")).hasSize(ReseedMode.ROLLOUT.steps().size());
            assertThat(w.path("steps").get(5).path("detail").asText()).contains("up PASS (healthy, version 1.18.33)")
                    .contains("github-copilot PASS").contains("the new credential " + CopilotCredential.fingerprint(RealOpenCodeWorkspaces.NEW_TOKEN));
        }
        assertThat(r.asString()).doesNotContain(RealOpenCodeWorkspaces.NEW_TOKEN).doesNotContain(OTHER_PROVIDER_KEY);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains("opencode_keeper_reseed_total{result=\"success\",workspace=\"alpha\"} 1.0");

        // The same reseed again: Doppler already holds it, the recorded rollouts are current, nothing restarts.
        cluster.initialDoppler().replaceAll((name, value) -> DopplerWireMock.latestValue(doppler, name).orElseThrow());
        doppler.resetAll();
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH))
                .willReturn(okJson(JSON.writeValueAsString(Map.of("name", "X", "value", Map.of("raw", reduced, "computed", reduced))))));
        Response again = post(NEW, "?mode=rollout");
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(200);
        assertThat(JSON.readTree(again.asString()).path("workspaces").get(0).path("steps").get(2).path("detail").asText()).startsWith("unchanged");
        doppler.verify(0, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
        assertThat(deployments.rollouts("opencode", "alpha") + deployments.rollouts("opencode", "beta")).isEqualTo(2);
        assertThat(world.starts("alpha") + world.starts("beta")).isEqualTo(startsBefore + 2);
    }

    @Test
    @Order(6)
    void aLiveReseedReachesTheRunningOpenCodeWithoutARestart() throws Exception {
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).willReturn(aResponse().withStatus(404)
                .withBody("{\"messages\":[\"Could not find requested secret\"],\"success\":false}")));
        doppler.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(DopplerWireMock.WRITE_PATH)).willReturn(okJson("{\"success\":true}")));
        String old = TestCredentials.authJson(RealOpenCodeWorkspaces.OLD_TOKEN);
        int starts = world.starts("beta");
        int rolloutsBefore = deployments.rollouts("opencode", "beta");

        Response r = given().header("Authorization", AUTH).header("Accept", "text/plain").body(old.getBytes(StandardCharsets.UTF_8))
                .post("/reseed?workspace=beta"); // live is the default

        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.asString()).contains("\nbeta live_apply success ").contains("\nbeta verify_after success ")
                .contains("\nbeta rollout skipped 0 ms: not needed: the running OpenCode took the credential\n")
                .contains("\nbeta applied live\n").doesNotContain(RealOpenCodeWorkspaces.OLD_TOKEN);
        assertThat(secretValue(workspace("beta"))).isEqualTo(old);
        assertThat(JSON.readTree(world.authJsonOf("beta")).path("github-copilot").path("refresh").asText())
                .as("the running OpenCode stored the credential in its auth.json").isEqualTo(RealOpenCodeWorkspaces.OLD_TOKEN);
        assertThat(world.starts("beta")).as("no restart").isEqualTo(starts);
        assertThat(deployments.rollouts("opencode", "beta")).as("no rollout").isEqualTo(rolloutsBefore);
        assertThat(calls.keeperCalls().stream().filter(c -> c.verb().equals("patch") && c.resource().equals("deployments")).toList())
                .as("no Deployment patch").isEmpty();
    }
}
