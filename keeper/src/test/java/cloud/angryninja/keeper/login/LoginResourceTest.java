package cloud.angryninja.keeper.login;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
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
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.reseed.RealOpenCodeWorkspaces;
import cloud.angryninja.keeper.reseed.RealWorkspacesCluster;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * {@code POST /login} and {@code GET /login/{id}} on the running keeper: the bearer token, refused parameters, one
 * login at a time, the metric series, and a whole login end to end: a WireMock GitHub answers pending, slow_down, then
 * a token; the keeper reseeds with it through WireMock Doppler and a mock Kubernetes API with ESO,
 * Deployment-controller and Reloader stand-ins, and the running real OpenCode servers take the new credential live
 * (no rollout, no restart) and are verified holding it.
 */
@Tier.Integration
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(RealOpenCodeWorkspaces.class)
@WithTestResource(DopplerWireMock.class)
@WithTestResource(GitHubWireMock.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginResourceTest {

    static final String AUTH = "Bearer test-token";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NEW = TestCredentials.authJson(RealOpenCodeWorkspaces.NEW_TOKEN);

    @Inject
    KubernetesClient client;

    @Inject
    Workspaces workspaces;

    @DopplerWireMock.Server
    WireMockServer doppler;

    @GitHubWireMock.Server
    WireMockServer github;

    @RealOpenCodeWorkspaces.World
    RealOpenCodeWorkspaces world;

    static RealWorkspacesCluster cluster;
    static KubernetesClient controllers;
    static FakeDeploymentController deployments;
    static final LogCapture logs = LogCapture.start();

    @BeforeEach
    void cluster() {
        github.resetAll();
        if (controllers != null) {
            return;
        }
        cluster = RealWorkspacesCluster.start(client, workspaces, doppler, world);
        controllers = cluster.controllers;
        deployments = cluster.deployments;
    }

    @AfterAll
    static void stopControllers() {
        logs.closeAndAssertNoLineHolds(RealOpenCodeWorkspaces.NEW_TOKEN, RealOpenCodeWorkspaces.OLD_TOKEN, GitHubWireMock.DEVICE_CODE,
                DopplerWireMock.TOKEN, "test-token");
        assertThat(logs.linesContaining("reseeding")).as("the capture saw the login").isNotEmpty();
        if (cluster != null) {
            cluster.close();
        }
        cluster = null;
        controllers = null;
    }

    String secretValue(Workspace w) {
        return cluster.secretValue(w);
    }

    static Response start(String query) {
        return given().header("Authorization", AUTH).post("/login" + query);
    }

    static JsonNode read(String id) throws Exception {
        Response r = given().header("Authorization", AUTH).get("/login/" + id);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return JSON.readTree(r.asString());
    }

    @Test
    @Order(1)
    void withoutTheBearerTokenIs401AndEveryLoginSeriesExistsFromTheStart() {
        given().post("/login").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get("/login/abc").then().statusCode(401);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (LoginResult r : LoginResult.values()) {
            assertThat(metrics).contains(LoginMetrics.TOTAL + "{result=\"" + r.label() + "\"} 0.0");
        }
        assertThat(github.getAllServeEvents()).isEmpty();
    }

    @Test
    @Order(2)
    void badParametersAndUnknownLoginsAreRefused() throws Exception {
        for (String[] c : new String[][] {{"?workspace=gamma", "?workspace names no configured workspace; configured: alpha, beta"},
                {"?enterprise=ghe.example.com/evil", "?enterprise= takes a GitHub Enterprise domain"},
                {"?mode=hot", "?mode takes exactly rollout or live"}}) {
            Response r = start(c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode reply = JSON.readTree(r.asString());
            assertThat(reply.path("state").asText()).isEqualTo("rejected");
            assertThat(reply.path("message").asText()).contains(c[1]).endsWith("no login started");
        }
        Response unknown = given().header("Authorization", AUTH).get("/login/0000ffff");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.asString()).path("message").asText()).startsWith("no login 0000ffff here");
        Response odd = given().header("Authorization", AUTH).header("Accept", "text/plain").get("/login/%3Cscript%3E");
        assertThat(odd.statusCode()).isEqualTo(404);
        assertThat(odd.asString()).contains("state: unknown\n").contains("no that login here").doesNotContain("script");
        assertThat(github.getAllServeEvents()).as("GitHub calls").isEmpty();
    }

    @Test
    @Order(3)
    void aLoginReachesBothRunningWorkspacesLiveWithoutARestart() throws Exception {
        doppler.resetAll();
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).willReturn(aResponse().withStatus(404)
                .withBody("{\"messages\":[\"Could not find requested secret\"],\"success\":false}")));
        doppler.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(DopplerWireMock.WRITE_PATH))
                .willReturn(okJson("{\"success\":true}")));
        GitHubWireMock.deviceCode(github, 0, 900);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.pending(), GitHubWireMock.slowDown(), GitHubWireMock.pending(),
                GitHubWireMock.token(RealOpenCodeWorkspaces.NEW_TOKEN));
        int startsBefore = world.starts("alpha") + world.starts("beta");
        int rolloutsBefore = deployments.rollouts("opencode", "alpha") + deployments.rollouts("opencode", "beta");

        Response r = start("");

        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        JsonNode started = JSON.readTree(r.asString());
        String id = started.path("login").asText();
        assertThat(started.path("state").asText()).isEqualTo("pending");
        assertThat(started.path("user_code").asText()).isEqualTo(GitHubWireMock.USER_CODE);
        assertThat(started.path("verification_uri").asText()).isEqualTo("https://github.com/login/device");
        assertThat(started.path("expires_in").asLong()).isBetween(880L, 900L);
        assertThat(r.asString()).doesNotContain(GitHubWireMock.DEVICE_CODE);

        Response again = start("");
        assertThat(again.statusCode()).as("one login at a time").isEqualTo(409);
        assertThat(JSON.readTree(again.asString()).path("message").asText()).startsWith("login " + id + " is ");

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> read(id).path("state").asText(), s -> !s.equals("pending") && !s.equals("reseeding"));
        JsonNode done = read(id);

        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("done");
        assertThat(done.path("credential").asText()).isEqualTo(CopilotCredential.fingerprint(RealOpenCodeWorkspaces.NEW_TOKEN));
        assertThat(done.has("user_code")).as("the code is shown only while pending").isFalse();
        JsonNode reseed = done.path("reseed");
        assertThat(reseed.path("status").asInt()).as(reseed.toString()).isEqualTo(200);
        assertThat(reseed.path("source").asText()).isEqualTo("login");
        for (JsonNode w : reseed.path("workspaces")) {
            assertThat(w.path("verified").asBoolean()).isTrue();
            assertThat(w.path("applied").asText()).as("the default: live").isEqualTo("live");
            JsonNode verify = java.util.stream.StreamSupport.stream(w.path("steps").spliterator(), false)
                    .filter(step -> step.path("step").asText().equals("verify_after")).findFirst().orElseThrow();
            assertThat(verify.path("detail").asText()).contains("up PASS (healthy, version 1.18.33)")
                    .contains("the new credential " + CopilotCredential.fingerprint(RealOpenCodeWorkspaces.NEW_TOKEN));
        }
        doppler.verify(1, postRequestedFor(urlPathEqualTo(DopplerWireMock.WRITE_PATH)));
        assertThat(DopplerWireMock.writes(doppler)).containsExactly(Map.of("ALPHA_COPILOT_AUTH_JSON", NEW, "BETA_COPILOT_AUTH_JSON", NEW));
        for (String w : RealOpenCodeWorkspaces.WORKSPACES) {
            assertThat(secretValue(workspaces.byName(w).orElseThrow())).isEqualTo(NEW);
            assertThat(JSON.readTree(world.authJsonOf(w)).path("github-copilot").path("refresh").asText())
                    .as("the running OpenCode stored the credential in its auth.json").isEqualTo(RealOpenCodeWorkspaces.NEW_TOKEN);
        }
        assertThat(deployments.rollouts("opencode", "alpha") + deployments.rollouts("opencode", "beta")).as("no rollout")
                .isEqualTo(rolloutsBefore);
        assertThat(world.starts("alpha") + world.starts("beta")).as("no restart").isEqualTo(startsBefore);
        github.verify(4, postRequestedFor(urlEqualTo(GitHubWireMock.TOKEN_PATH)));

        String text = given().header("Authorization", AUTH).header("Accept", "text/plain").get("/login/" + id).then().statusCode(200)
                .contentType("text/plain").extract().asString();
        assertThat(text).startsWith("login: " + id + "\nstate: done\n").contains("\nalpha verify_after success ")
                .contains("\nresult: success (HTTP 200)").doesNotContain(RealOpenCodeWorkspaces.NEW_TOKEN);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains(LoginMetrics.TOTAL + "{result=\"success\"} 1.0")
                .contains("opencode_keeper_reseed_total{result=\"success\",workspace=\"alpha\"} 1.0");
    }

    @Test
    @Order(4)
    void theScriptLogsInAndPrintsTheLiveReseedsSteps() throws Exception {
        doppler.resetAll();
        doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).willReturn(aResponse().withStatus(404)
                .withBody("{\"messages\":[\"Could not find requested secret\"],\"success\":false}")));
        doppler.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(DopplerWireMock.WRITE_PATH))
                .willReturn(okJson("{\"success\":true}")));
        GitHubWireMock.deviceCode(github, 0, 900);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.pending(), GitHubWireMock.token(RealOpenCodeWorkspaces.OLD_TOKEN));
        int starts = world.starts("beta");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("keeper-login-script-");

        cloud.angryninja.keeper.manifests.Tools.Result r = cloud.angryninja.keeper.manifests.Tools.run(List.of(
                cloud.angryninja.keeper.manifests.Tools.require("sh").toString(),
                cloud.angryninja.keeper.manifests.Repo.root().resolve("scripts/reseed").toString(), "--login", "-w", "beta", "-l"), dir,
                Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString(), "KEEPER_API_TOKEN", "test-token",
                        "KEEPER_URL", "http://127.0.0.1:" + io.restassured.RestAssured.port, "KEEPER_LOGIN_POLL", "1"),
                true, Duration.ofSeconds(120));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout()).startsWith("Open https://github.com/login/device and enter the code " + GitHubWireMock.USER_CODE)
                .contains("\nbeta live_apply success ").contains("\nbeta verify_after success ").contains("\nresult: success (HTTP 200)")
                .doesNotContain("alpha");
        assertThat(r.output()).doesNotContain(RealOpenCodeWorkspaces.OLD_TOKEN).doesNotContain(GitHubWireMock.DEVICE_CODE)
                .doesNotContain("test-token");
        assertThat(JSON.readTree(world.authJsonOf("beta")).path("github-copilot").path("refresh").asText())
                .as("the running OpenCode took the credential").isEqualTo(RealOpenCodeWorkspaces.OLD_TOKEN);
        assertThat(world.starts("beta")).as("no restart").isEqualTo(starts);
    }
}
