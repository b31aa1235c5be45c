package cloud.angryninja.keeper.probe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import cloud.angryninja.keeper.login.GitHubWireMock;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * A whole run with known fake secrets (Copilot token, OpenCode passwords, API token, another provider's
 * key in a reseed body, a workspace's report token and the credential it reports) through every path that handles
 * them, probes, quota reads, reseeds and credential reports, success and failure;
 * none of them appears in any log line (DEBUG and up, written to a file), in {@code /workspaces},
 * {@code /reseed} and {@code /login} replies (a GitHub device code and the token it gives included), {@code /q/metrics},
 * health or error bodies. The whole reseed flow, through
 * Doppler and the cluster to a verified workspace, is checked the same way in {@code ReseedResourceTest}.
 */
@Tier.Integration
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SecretLeakTest.LeakSettings.class)
@WithTestResource(value = RealWorkspacesResource.class, initArgs = { @ResourceArg(name = "passwordPrefix", value = SecretLeakTest.PASSWORD_PREFIX),
        @ResourceArg(name = "seededToken", value = SecretLeakTest.TOKEN) })
class SecretLeakTest {

    static final String TOKEN = "gho_CANARYtoken9b2e";
    static final String PASSWORD_PREFIX = "pwCANARY7f3a-";
    static final String API_TOKEN = "apiCANARY51c0";
    static final Path LOG = Path.of("target", "secret-leak-test.log");
    static final String OTHER_KEY = "sk-CANARYotherprovider3d";
    static final String REPORT_TOKEN = "rptCANARYreport0a1b2c3d4e";

    /**
     * The logging and settings of the run: a test resource rather than a profile, so that the keeper is built once for
     * the lane's {@code @QuarkusTest}s (Quarkus builds per profile, and only restarts for other test resources).
     */
    public static class LeakSettings implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "keeper.api.token", API_TOKEN,
                    // The Kubernetes API stand-in shares the JVM and logs the Secrets it stores; it plays the cluster.
                    "quarkus.log.category.\"io.fabric8.kubernetes.client.server.mock\".level", "INFO",
                    "quarkus.log.level", "DEBUG",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.level", "ALL",
                    // The test's own HTTP client (RestAssured) shares the JVM and logs the headers it sends.
                    "quarkus.log.category.\"org.apache.http\".level", "INFO",
                    // POST /login: the Copilot stand-in also plays GitHub's device flow endpoints.
                    "keeper.login.github-url", "${keeper.copilot.api-url}",
                    "keeper.login.poll-margin", "20ms",
                    // every probe reads the quota again (the Copilot stand-in plays GitHub's API, application.properties)
                    "keeper.quota.interval", "1ms");
        }

        @Override
        public void stop() {
            // nothing started
        }
    }

    @RealWorkspacesResource.CopilotStub
    WireMockServer copilot;

    @Inject
    KubernetesClient kube;

    @Inject
    Workspaces workspaces;

    @Inject
    Prober prober;

    @Inject
    cloud.angryninja.keeper.quota.QuotaWatch quota;

    private void secret(Workspace w, String text) {
        kube.secrets().inNamespace(w.namespace()).resource(new SecretBuilder()
                .withNewMetadata().withName(w.secret()).withNamespace(w.namespace()).endMetadata()
                .addToData(w.secretKey(), Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))
                .build()).createOr(existing -> existing.update());
    }

    private static String reseed(String body, String query, int status) {
        return given().header("Authorization", "Bearer " + API_TOKEN).body(body).post("/reseed" + query).then().statusCode(status)
                .extract().asString();
    }

    private static String report(String workspace, String authorization, String body, int status) {
        return given().header("Authorization", authorization).body(body).post("/workspaces/" + workspace + "/credential").then()
                .statusCode(status).extract().asString();
    }

    /** A login for {@code workspace} whose token poll answers {@code answer}: its replies (JSON and text) until it ends in {@code state}. */
    private List<String> login(String workspace, String answer, String state) {
        GitHubWireMock.deviceCode(copilot, 0, 900);
        GitHubWireMock.tokenAnswers(copilot, GitHubWireMock.pending(), answer);
        List<String> replies = new ArrayList<>();
        String started = given().header("Authorization", "Bearer " + API_TOKEN).post("/login?workspace=" + workspace).then().statusCode(202)
                .extract().asString();
        replies.add(started);
        String id = io.restassured.path.json.JsonPath.from(started).getString("login");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> given()
                .header("Authorization", "Bearer " + API_TOKEN).get("/login/" + id).then().extract().path("state"), state::equals);
        replies.add(given().header("Authorization", "Bearer " + API_TOKEN).get("/login/" + id).then().statusCode(200).extract().asString());
        replies.add(given().header("Authorization", "Bearer " + API_TOKEN).header("Accept", "text/plain").get("/login/" + id).then()
                .statusCode(200).extract().asString());
        return replies;
    }

    @Test
    void noSecretReachesLogsMetricsOrResponses() throws Exception {
        String authJson = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\",\"access\":\"" + TOKEN + "\",\"expires\":0}}";
        Workspace seeded = workspaces.byName("seeded").orElseThrow();
        Workspace bare = workspaces.byName("bare").orElseThrow();
        Workspace wrongpw = workspaces.byName("wrongpw").orElseThrow();
        Workspace down = workspaces.byName("down").orElseThrow();
        String echo = "{\"message\":\"Bad credentials for " + TOKEN + "\"}";

        copilot.stubFor(get(urlEqualTo("/models")).willReturn(aResponse().withStatus(200)
                .withBody("{\"data\":[{\"id\":\"" + TOKEN + "\",\"model_picker_enabled\":true}]}")));
        secret(seeded, authJson);
        assertThat(prober.probeNow(seeded).credential().outcome()).isEqualTo(ProbeResult.Outcome.PASS);
        // The quota read with the same token: answers that echo it (where an account or plan would be, in fields the
        // keeper does not read, in error bodies); the plan label is from a fixed set, the reason never quotes a body.
        String quotaEcho = "{\"login\":\"canary-account\",\"copilot_plan\":\"" + TOKEN + "\",\"analytics_tracking_id\":\"" + TOKEN
                + "\",\"quota_reset_date\":\"" + TOKEN + "\",\"quota_snapshots\":{\"premium_interactions\":{\"entitlement\":300,"
                + "\"remaining\":12,\"unlimited\":false,\"quota_id\":\"" + TOKEN + "\"}}}";
        for (com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer : List.of(
                aResponse().withStatus(404).withBody(echo), aResponse().withStatus(429).withBody(echo),
                aResponse().withStatus(200).withBody("{\"message\":\"" + TOKEN + "\"}"),
                aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(quotaEcho))) {
            copilot.stubFor(get(urlEqualTo("/copilot_internal/user")).willReturn(answer));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(quota::idle);
            assertThat(prober.probeNow(seeded).state()).isEqualTo(cloud.angryninja.keeper.copilot.CopilotState.WORKING);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(quota::idle);
        }
        assertThat(quota.view("seeded").plan()).contains("other");
        assertThat(quota.view("seeded").premiumRemaining()).contains(12L);

        copilot.stubFor(get(urlEqualTo("/models")).willReturn(aResponse().withStatus(401).withBody(echo)));
        assertThat(prober.probeNow(seeded).credential().outcome()).isEqualTo(ProbeResult.Outcome.FAIL);
        copilot.stubFor(get(urlEqualTo("/models")).willReturn(aResponse().withStatus(500).withBody(echo)));
        assertThat(prober.probeNow(seeded).credential().outcome()).isEqualTo(ProbeResult.Outcome.UNKNOWN);

        secret(bare, "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\" \"access\"");
        assertThat(prober.probeNow(bare).credential().outcome()).isEqualTo(ProbeResult.Outcome.FAIL);
        secret(down, "not json " + TOKEN);
        assertThat(prober.probeNow(wrongpw).up().outcome()).isEqualTo(ProbeResult.Outcome.FAIL);
        prober.runCycle(workspaces.all());

        List<String> bodies = new ArrayList<>();
        bodies.add(given().header("Authorization", "Bearer " + API_TOKEN).get("/workspaces").then().statusCode(200).extract().asString());
        bodies.add(given().header("Authorization", "Bearer " + TOKEN).get("/workspaces").then().statusCode(401).extract().asString());
        bodies.add(given().header("Authorization", "Bearer " + API_TOKEN + "x").get("/workspaces").then().statusCode(401).extract().asString());
        bodies.add(given().get("/workspaces/nonexistent").then().statusCode(404).extract().asString());
        // Reseed paths with the same secrets: bad input, a credential Copilot refuses (and echoes), a dry run refused
        // by the cluster, a reseed stopped by missing Doppler settings; another provider's key rides along.
        String laptop = "{\"openai\":{\"type\":\"api\",\"key\":\"" + OTHER_KEY + "\"}," + authJson.substring(1);
        kube.apps().deployments().inNamespace(seeded.namespace()).resource(cloud.angryninja.keeper.sandbox.MockCluster.deployment(
                seeded.namespace(), seeded.deployment(), seeded.secret(), false)).createOr(existing -> existing.update());
        kube.genericKubernetesResources(cloud.angryninja.keeper.kube.ExternalSecrets.CONTEXT).inNamespace(seeded.namespace())
                .resource(cloud.angryninja.keeper.sandbox.MockCluster.externalSecret(seeded.namespace(), seeded.externalSecret(),
                        seeded.secret(), seeded.secretKey(), seeded.dopplerSecret(), "Periodic")).createOr(existing -> existing.update());
        bodies.add(reseed(laptop.substring(0, laptop.length() - 3), "?workspace=seeded", 400));
        copilot.stubFor(get(urlEqualTo("/models")).willReturn(aResponse().withStatus(401).withBody(echo)));
        bodies.add(reseed(laptop, "?workspace=seeded", 422));
        copilot.stubFor(get(urlEqualTo("/models")).willReturn(aResponse().withStatus(200)
                .withBody("{\"data\":[{\"id\":\"m\",\"model_picker_enabled\":true}]}")));
        bodies.add(reseed(laptop, "?workspace=bare&dryRun=true", 412));
        bodies.add(reseed(laptop, "?workspace=seeded", 500));
        bodies.add(reseed(laptop, "?workspace=seeded&mode=live", 500));
        bodies.add(reseed(laptop, "?workspace=seeded&mode=hot", 400));
        // The strict input paths: malformed fields, strict JSON, exact query parameters with secrets as values or names.
        String entry = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\",%s}}";
        bodies.add(reseed(entry.formatted("\"expires\":1e999999"), "?workspace=seeded", 422));
        bodies.add(reseed(entry.formatted("\"access\":\"" + TOKEN + "\\u0007\""), "?workspace=seeded", 422));
        bodies.add(reseed(entry.formatted("\"enterpriseUrl\":\"" + TOKEN + "@127.0.0.1:1/x\""), "?workspace=seeded&force=true", 422));
        bodies.add(reseed(entry.formatted("\"refresh\":\"" + OTHER_KEY + "\""), "?workspace=seeded", 400));
        bodies.add(reseed(laptop + " " + TOKEN, "?workspace=seeded", 400));
        bodies.add(reseed(laptop, "?workspace=" + TOKEN, 400));
        bodies.add(reseed(laptop, "?workspace=seeded&dryRun=" + TOKEN, 400));
        bodies.add(reseed(laptop, "?workspace=seeded&force=true&force=" + TOKEN, 400));
        bodies.add(reseed(laptop, "?workspace=seeded&mode=" + TOKEN, 400));
        bodies.add(reseed(laptop, "?workspace=seeded&" + TOKEN + "=true", 400));
        bodies.add(given().header("Authorization", "Bearer " + TOKEN).body(laptop).post("/reseed").then().statusCode(401).extract().asString());
        // Login paths: a login refused on GitHub, then one whose token (the same canary) reaches a reseed that fails at
        // Doppler; the device code is a canary too.
        bodies.addAll(login("seeded", GitHubWireMock.denied(), "denied"));
        bodies.addAll(login("seeded", GitHubWireMock.token(TOKEN), "done"));
        bodies.add(given().header("Authorization", "Bearer " + TOKEN).post("/login").then().statusCode(401).extract().asString());
        // Credential reports: the report token in the workspace's Secret, right, wrong, another workspace's, the API
        // token; a reported credential with another provider's key beside it, then judged for adoption (Doppler is
        // not configured here: it stays pending, named in GET /workspaces).
        kube.secrets().inNamespace(seeded.namespace()).resource(new SecretBuilder().withNewMetadata().withName(seeded.reportTokenSecret())
                .withNamespace(seeded.namespace()).endMetadata().addToData(seeded.reportTokenKey(), Base64.getEncoder()
                        .encodeToString(REPORT_TOKEN.getBytes(StandardCharsets.UTF_8))).build()).createOr(existing -> existing.update());
        bodies.add(report("seeded", "Bearer " + REPORT_TOKEN, laptop, 200));
        bodies.add(report("seeded", "Bearer " + REPORT_TOKEN, laptop.substring(0, laptop.length() - 3), 400));
        bodies.add(report("seeded", "Bearer " + REPORT_TOKEN, entry.formatted("\"expires\":1e999999"), 422));
        bodies.add(report("bare", "Bearer " + REPORT_TOKEN, laptop, 403));
        bodies.add(report("seeded", "Bearer " + TOKEN, laptop, 401));
        bodies.add(report("seeded", "Bearer " + API_TOKEN, laptop, 401));
        bodies.add(given().header("Authorization", "Bearer " + REPORT_TOKEN).get("/workspaces").then().statusCode(401).extract().asString());
        bodies.add(given().header("Authorization", "Bearer " + API_TOKEN).post("/workspaces/seeded/credential/confirm?credential=" + TOKEN)
                .then().statusCode(400).extract().asString());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> given()
                .header("Authorization", "Bearer " + API_TOKEN).get("/workspaces").then().extract()
                .path("find { it.workspace == 'seeded' }.heldCredential.adoption.state"), "pending"::equals);
        bodies.add(given().header("Authorization", "Bearer " + API_TOKEN).get("/workspaces").then().statusCode(200).extract().asString());
        bodies.add(given().get("/q/metrics").then().statusCode(200).extract().asString());
        bodies.add(given().get("/q/health").then().extract().asString());

        String basic = Base64.getEncoder().encodeToString(("opencode:" + PASSWORD_PREFIX).getBytes(StandardCharsets.UTF_8));
        List<String> secrets = List.of(TOKEN, "CANARYtoken", PASSWORD_PREFIX, "CANARY7f3a", API_TOKEN, OTHER_KEY, GitHubWireMock.DEVICE_CODE,
                REPORT_TOKEN, "CANARYreport",
                Base64.getEncoder().encodeToString(authJson.getBytes(StandardCharsets.UTF_8)), basic.substring(0, 16));
        String log = Files.readString(LOG);
        assertThat(log).as("the log file holds the run").contains("seeded: credential").contains("wrongpw: up")
                .contains("Copilot quota unknown, its series stay absent: HTTP 429").contains("Copilot quota read (account canary-account")
                .contains("step=verify_before outcome=failure").contains("keeper.doppler.token is not set")
                .contains("denied (denied)").contains("done (reseed_failed)").contains("seeded: reports credential")
                .contains("a report of its credential was refused (HTTP 422)").contains("judged again at the next report");
        for (String secret : secrets) {
            assertThat(log).as("log").doesNotContain(secret);
            for (String body : bodies) {
                assertThat(body).as("response body").doesNotContain(secret);
            }
        }
    }
}
