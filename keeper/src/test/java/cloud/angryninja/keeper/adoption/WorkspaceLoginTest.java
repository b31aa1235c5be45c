package cloud.angryninja.keeper.adoption;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.credential.ReportedCredentials;
import cloud.angryninja.keeper.deploy.Promtool;
import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.login.GitHubWireMock;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.metrics.KeeperMetrics;
import cloud.angryninja.keeper.probe.WorkspaceStates;
import cloud.angryninja.keeper.reseed.RealOpenCodeWorkspaces;
import cloud.angryninja.keeper.reseed.RealWorkspacesCluster;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.MetricsText;
import cloud.angryninja.keeper.testing.ReporterProcess;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;
import cloud.angryninja.keeper.testing.Tier;

/**
 * A Copilot login made inside a workspace heals every workspace, end to end: the real OpenCode 1.18.33 workspaces
 * {@code alpha} and {@code beta} ({@link RealOpenCodeWorkspaces}), each with the workspace's report-credential.sh
 * running for real beside it (alpha's under busybox sh, beta's under sh), the keeper, WireMock Doppler, GitHub and
 * Copilot, and the mock Kubernetes API with the ESO, Reloader and Deployment-controller stand-ins
 * ({@link RealWorkspacesCluster}). Writing a credential into a workspace's OpenCode as its OAuth callback does
 * ({@code PUT /auth/github-copilot}) is the login.
 */
@Tier.Integration
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(RealOpenCodeWorkspaces.class)
@WithTestResource(DopplerWireMock.class)
@WithTestResource(GitHubWireMock.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceLoginTest {

    static final String ALPHA_TOKEN = "rpt_ALPHAcanary0123456789abcdef";
    static final String BETA_TOKEN = "rpt_BETAcanary0123456789abcdefg";
    static final String OLD = RealOpenCodeWorkspaces.OLD_TOKEN;
    static final String NEW = RealOpenCodeWorkspaces.NEW_TOKEN;
    static final String REVOKED = RealOpenCodeWorkspaces.REVOKED_TOKEN;
    static final String MALLORYS = "gho_E2Emallory3333cc";
    static final String ACCOUNT = "OPENCODE_KEEPER_COPILOT_ACCOUNT";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .build();

    @Inject
    KubernetesClient client;

    @Inject
    Workspaces workspaces;

    @Inject
    WorkspaceStates states;

    @Inject
    ReportedCredentials reported;

    @Inject
    Adoption adoption;

    @DopplerWireMock.Server
    WireMockServer doppler;

    @GitHubWireMock.Server
    WireMockServer github;

    @RealOpenCodeWorkspaces.World
    RealOpenCodeWorkspaces world;

    static RealWorkspacesCluster cluster;
    static ReporterProcess alphaReporter;
    static ReporterProcess betaReporter;
    static Path reporterDir;
    static double validWhileRevoked = Double.NaN;
    static final LogCapture logs = LogCapture.start();

    @BeforeEach
    void cluster() throws IOException {
        if (cluster != null) {
            return;
        }
        cluster = RealWorkspacesCluster.start(client, workspaces, doppler, world);
        cluster.reportToken(ws("alpha"), ALPHA_TOKEN);
        cluster.reportToken(ws("beta"), BETA_TOKEN);
        GitHubWireMock.user(github, OLD, "octo");
        GitHubWireMock.user(github, NEW, "octo");
        GitHubWireMock.user(github, MALLORYS, "mallory");
        world.copilot().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/models"))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + MALLORYS))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true}]}")));
        dopplerHolds(OLD, "octo");
        reporterDir = Files.createTempDirectory("keeper-reporters-");
    }

    @AfterAll
    static void stop() {
        for (ReporterProcess r : new ReporterProcess[] {alphaReporter, betaReporter}) {
            if (r != null) {
                r.close();
            }
        }
        logs.closeAndAssertNoLineHolds(OLD, NEW, REVOKED, MALLORYS, ALPHA_TOKEN, BETA_TOKEN, DopplerWireMock.TOKEN, "test-token");
        assertThat(logs.linesContaining("reports credential")).as("the capture saw the reports").isNotEmpty();
        if (cluster != null) {
            cluster.close();
        }
        cluster = null;
    }

    Workspace ws(String name) {
        return workspaces.byName(name).orElseThrow();
    }

    /** Doppler holds {@code refresh}'s auth.json for both workspaces, {@code account} on record, and what is written next. */
    void dopplerHolds(String refresh, String account) {
        DopplerWireMock.stateful(doppler, Map.of(ws("alpha").dopplerSecret(), TestCredentials.authJson(refresh),
                ws("beta").dopplerSecret(), TestCredentials.authJson(refresh), ACCOUNT, account));
    }

    static Response report(String workspace, String authorization, String body) {
        var request = given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        return request.post("/workspaces/" + workspace + "/credential");
    }

    /** Starts both workspaces' report-credential.sh, as their sidecars run it (poll every 2 s). */
    void startReporters() throws IOException {
        if (alphaReporter != null) {
            return;
        }
        alphaReporter = reporter("alpha", ALPHA_TOKEN, ReporterProcess.Shell.BUSYBOX);
        betaReporter = reporter("beta", BETA_TOKEN, ReporterProcess.Shell.SH);
    }

    ReporterProcess reporter(String workspace, String token, ReporterProcess.Shell shell) throws IOException {
        Path dir = Files.createDirectories(reporterDir.resolve(workspace));
        Path tokenFile = dir.resolve("KEEPER_REPORT_TOKEN");
        Files.writeString(tokenFile, token + "\n");
        return ReporterProcess.start(shell, ReporterProcess.SCRIPT, Map.of(
                "KEEPER_URL", "http://127.0.0.1:" + RestAssured.port,
                "WORKSPACE_NAME", workspace,
                "AUTH_JSON", world.authJsonPath(workspace).toString(),
                "REPORT_TOKEN_FILE", tokenFile.toString(),
                "TMPDIR", dir.toString(),
                "POLL_SECONDS", "2",
                "REPORT_SECONDS", "60"), dir);
    }

    /** {@code PUT /auth/github-copilot} on the workspace's OpenCode: what its OAuth callback writes after a login. */
    void loginInside(String workspace, String refresh) throws Exception {
        HttpResponse<String> r = openCode(workspace, "PUT", "/auth/github-copilot",
                "{\"type\":\"oauth\",\"refresh\":\"" + refresh + "\",\"access\":\"" + refresh + "\",\"expires\":0}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    HttpResponse<String> openCode(String workspace, String method, String path, String body) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("opencode:pw-" + workspace).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(world.server(workspace).baseUri().resolve(path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", basic).header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    Optional<String> held(String workspace) {
        return reported.held(workspace).map(ReportedCredentials.Held::fingerprint);
    }

    static JsonNode heldCredential(String workspace) throws IOException {
        JsonNode all = JSON.readTree(given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .extract().asString());
        for (JsonNode w : all) {
            if (w.path("workspace").asText().equals(workspace)) {
                return w.path("heldCredential");
            }
        }
        throw new AssertionError("no " + workspace + " in /workspaces");
    }

    // --- who may report ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void onlyTheWorkspacesOwnReportTokenReportsForIt() {
        String body = TestCredentials.authJson(NEW);
        assertThat(report("alpha", null, body).statusCode()).as("no token").isEqualTo(401);
        assertThat(report("alpha", "Bearer rpt_wrong0123456789abcdef", body).statusCode()).as("a wrong token").isEqualTo(401);
        assertThat(report("alpha", "Bearer test-token", body).statusCode()).as("the keeper's API token").isEqualTo(401);
        Response other = report("alpha", "Bearer " + BETA_TOKEN, body);
        assertThat(other.statusCode()).as("beta's token for alpha").isEqualTo(403);
        assertThat(report("nowhere", "Bearer " + BETA_TOKEN, body).statusCode()).as("beta's token for no workspace").isEqualTo(403);
        given().header("Authorization", "Bearer " + ALPHA_TOKEN).get("/workspaces").then().statusCode(401); // not an API token
        given().header("Authorization", "Bearer " + ALPHA_TOKEN).post("/reseed").then().statusCode(401);

        Response bad = report("alpha", "Bearer " + ALPHA_TOKEN, "{\"github-copilot\":{\"type\":\"oauth\"}}");
        assertThat(bad.statusCode()).as("the reseed's strict rules").isEqualTo(422);
        assertThat(bad.asString()).contains("refresh").contains("nothing changed");
        assertThat(report("alpha", "Bearer " + ALPHA_TOKEN, "{\"github-copilot\":{}").statusCode()).isEqualTo(400);
        assertThat(given().header("Authorization", "Bearer " + ALPHA_TOKEN).contentType("application/json")
                .body(TestCredentials.authJson(NEW)).post("/workspaces/alpha/credential?force=true").statusCode()).isEqualTo(400);

        assertThat(held("alpha")).as("nothing refused was taken").isEmpty();
        assertThat(DopplerWireMock.writes(doppler)).isEmpty();
        for (Response r : List.of(other, bad)) {
            assertThat(r.asString()).doesNotContain(BETA_TOKEN).doesNotContain(ALPHA_TOKEN).doesNotContain(NEW);
        }
    }

    // --- a credential Copilot refuses --------------------------------------------------------------------------------

    @Test
    @Order(2)
    void aReportedCredentialCopilotRefusesChangesNothing() throws Exception {
        startReporters();
        await().atMost(Duration.ofSeconds(20)).until(() -> held("alpha").equals(Optional.of(CopilotCredential.fingerprint(OLD)))
                && held("beta").equals(Optional.of(CopilotCredential.fingerprint(OLD))));
        await().atMost(Duration.ofSeconds(20)).until(() -> adoption.status("alpha").map(AdoptionStatus::state).orElse("").equals("in_sync"));
        assertThat(reported.held("alpha").orElseThrow().source()).as("Doppler holds it").isEqualTo(ReportedCredentials.Source.KEEPER);
        int betaStarts = world.starts("beta");
        String betaAuth = world.authJsonOf("beta");

        loginInside("alpha", REVOKED);

        await().atMost(ReporterProcess.REPORT_WAIT).until(() -> held("alpha").equals(Optional.of(CopilotCredential.fingerprint(REVOKED))));
        await().atMost(Duration.ofSeconds(30)).until(() -> adoption.status("alpha").map(AdoptionStatus::state).orElse("").equals("refused"));
        assertThat(states.of("alpha").orElseThrow().state()).as("the workspace's state says what is wrong").isEqualTo(CopilotState.REVOKED);
        assertThat(adoption.status("alpha").orElseThrow().message()).contains("Copilot refuses it").contains("not adopted, nothing changed");
        assertThat(heldCredential("alpha").path("source").asText()).isEqualTo("workspace");
        assertThat(heldCredential("alpha").path("differsFromDoppler").asBoolean()).isTrue();
        assertThat(DopplerWireMock.writes(doppler)).as("Doppler unchanged").isEmpty();
        for (String w : RealOpenCodeWorkspaces.WORKSPACES) {
            assertThat(cluster.secretValue(ws(w))).as("%s's Secret unchanged", w).isEqualTo(TestCredentials.authJson(OLD));
        }
        assertThat(world.authJsonOf("beta")).as("the other workspace unchanged").isEqualTo(betaAuth);
        assertThat(world.starts("beta")).isEqualTo(betaStarts);
        assertThat(MetricsText.value(MetricsText.scrape(), CredentialMetrics.ADOPTIONS, Map.of("workspace", "alpha", "result", "refused")))
                .contains(1.0);
        assertThat(MetricsText.workspace(CredentialMetrics.DRIFT, "alpha")).contains(1.0);
        validWhileRevoked = MetricsText.workspace(KeeperMetrics.CREDENTIAL_VALID, "alpha").orElseThrow();
        assertThat(validWhileRevoked).isEqualTo(0.0);
    }

    // --- a login inside the workspace heals both -----------------------------------------------------------------------

    @Test
    @Order(3)
    void aLoginInsideTheWorkspaceIsReportedAdoptedAndGivenLiveToTheOther() throws Exception {
        startReporters();
        long betaPid = world.server("beta").pid();
        int starts = world.starts("alpha") + world.starts("beta");
        int rollouts = cluster.deployments.rollouts("opencode", "alpha") + cluster.deployments.rollouts("opencode", "beta");
        String session = JSON.readTree(openCode("beta", "POST", "/session", "{}").body()).path("id").asText();
        String fp = CopilotCredential.fingerprint(NEW);

        long loggedIn = System.nanoTime();
        loginInside("alpha", NEW);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> held("alpha").equals(Optional.of(fp)));
        assertThat(Duration.ofNanos(System.nanoTime() - loggedIn)).as("the keeper knows within 10 s").isLessThan(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> states.of("alpha").orElseThrow().state() == CopilotState.WORKING);
        await().atMost(Duration.ofSeconds(90)).until(() -> adoption.status("alpha").map(AdoptionStatus::state).orElse("").equals("adopted"));

        String reduced = TestCredentials.authJson(NEW);
        assertThat(DopplerWireMock.writes(doppler)).as("Doppler holds it, for both, with the account on record")
                .containsExactly(Map.of(ws("alpha").dopplerSecret(), reduced, ws("beta").dopplerSecret(), reduced, ACCOUNT, "octo"));
        for (String w : RealOpenCodeWorkspaces.WORKSPACES) {
            assertThat(cluster.secretValue(ws(w))).as("%s's Secret (a restart seeds it)", w).isEqualTo(reduced);
        }
        assertThat(JSON.readTree(world.authJsonOf("beta")).path("github-copilot").path("refresh").asText())
                .as("beta's OpenCode took it live").isEqualTo(NEW);
        assertThat(world.server("beta").pid()).as("the same beta process").isEqualTo(betaPid);
        assertThat(openCode("beta", "GET", "/session/" + session, null).statusCode()).as("its open session still answers").isEqualTo(200);
        assertThat(world.starts("alpha") + world.starts("beta")).as("no restart").isEqualTo(starts);
        assertThat(cluster.deployments.rollouts("opencode", "alpha") + cluster.deployments.rollouts("opencode", "beta")).as("no rollout")
                .isEqualTo(rollouts);
        assertThat(promptAuthorizations("beta")).as("beta's next Copilot requests").isNotEmpty().containsOnly("Bearer " + NEW);

        await().atMost(Duration.ofSeconds(20)).until(() -> held("beta").equals(Optional.of(fp)));
        JsonNode alpha = heldCredential("alpha");
        assertThat(alpha.path("fingerprint").asText()).isEqualTo(fp);
        assertThat(alpha.path("source").asText()).isEqualTo("workspace");
        assertThat(alpha.path("doppler").asText()).isEqualTo(fp);
        assertThat(alpha.path("differsFromDoppler").asBoolean(true)).isFalse();
        assertThat(alpha.path("adoption").path("state").asText()).isEqualTo("adopted");
        assertThat(alpha.path("adoption").path("account").asText()).isEqualTo("octo");
        assertThat(heldCredential("beta").path("source").asText()).as("given by the keeper").isEqualTo("keeper");
        String metrics = MetricsText.scrape();
        assertThat(MetricsText.value(metrics, CredentialMetrics.DRIFT, Map.of("workspace", "alpha"))).contains(0.0);
        assertThat(MetricsText.value(metrics, CredentialMetrics.DRIFT, Map.of("workspace", "beta"))).contains(0.0);
        assertThat(MetricsText.value(metrics, CredentialMetrics.ADOPTIONS, Map.of("workspace", "alpha", "result", "adopted"))).contains(1.0);
        assertThat(MetricsText.value(metrics, "opencode_keeper_reseed_total", Map.of("workspace", "beta", "result", "success")))
                .as("recorded like a reseed").hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(logs.linesContaining("source=workspace")).as("the reseed's audit line names its source").isNotEmpty();
        assertThat(metrics).doesNotContain(NEW).doesNotContain(ALPHA_TOKEN);

        double validNow = MetricsText.workspace(KeeperMetrics.CREDENTIAL_VALID, "alpha").orElseThrow();
        assertThat(validNow).isEqualTo(1.0);
        assertTheCredentialAlertFiredThenStopped(validWhileRevoked, validNow);
        assertThat(alphaReporter.log()).contains("reported credential " + fp);
    }

    /** A prompt on beta's github-copilot/gpt-5-mini; answers the Authorization headers of the Copilot requests it made. */
    List<String> promptAuthorizations(String workspace) throws Exception {
        WireMockServer copilot = world.copilot();
        copilot.stubFor(post(urlPathMatching("/(responses|chat/completions)")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"stand-in\"}}")));
        copilot.resetRequests();
        String id = JSON.readTree(openCode(workspace, "POST", "/session", "{}").body()).path("id").asText();
        HttpResponse<String> r = openCode(workspace, "POST", "/session/" + id + "/message",
                "{\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"},\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}");
        assertThat(r.statusCode()).as("POST /session/{id}/message").isEqualTo(200);
        return copilot.findAll(postRequestedFor(urlPathMatching("/(responses|chat/completions)"))).stream()
                .map(LoggedRequest::getHeaders).map(h -> h.getHeader("Authorization").firstValue()).toList();
    }

    /**
     * The shipped OpencodeCopilotCredentialInvalid over alpha's scraped credential_valid: {@code before} for 10 minutes
     * (the revoked credential), then {@code after} (the working one the workspace reported): it fires, then stops.
     */
    static void assertTheCredentialAlertFiredThenStopped(double before, double after) throws IOException {
        Path dir = Files.createTempDirectory("keeper-alert-");
        ObjectNode tests = Yaml.JSON.createObjectNode();
        tests.putArray("rule_files").add("rules.yaml");
        tests.put("evaluation_interval", "1m");
        ObjectNode test = tests.putArray("tests").addObject();
        test.put("interval", "1m");
        ArrayNode input = test.putArray("input_series");
        String labels = "job=\"opencode-keeper\",instance=\"10.0.0.5:8080\",namespace=\"opencode\",workspace=\"alpha\"";
        input.addObject().put("series", KeeperMetrics.CREDENTIAL_VALID + "{" + labels + "}")
                .put("values", (int) before + "x10 " + (int) after + "x10");
        for (String state : new String[] {"no_entitlement", "unsupported"}) {
            input.addObject().put("series", KeeperMetrics.STATE + "{" + labels + ",state=\"" + state + "\"}").put("values", "0x20");
        }
        ArrayNode exprs = test.putArray("promql_expr_test");
        String firing = "count(ALERTS{alertname=\"OpencodeCopilotCredentialInvalid\",alertstate=\"firing\",workspace=\"alpha\"})";
        exprs.addObject().put("expr", firing).put("eval_time", "8m").putArray("exp_samples").addObject().put("labels", "{}").put("value", 1);
        exprs.addObject().put("expr", firing).put("eval_time", "18m").putArray("exp_samples");
        Yaml.write(dir.resolve("rules.yaml"), Promtool.shippedRuleGroups());
        Yaml.write(dir.resolve("tests.yaml"), tests);
        Tools.Result result = Promtool.run(dir, "test", "rules", "tests.yaml");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    }

    // --- another account waits for a person --------------------------------------------------------------------------

    @Test
    @Order(4)
    void aCredentialOfAnotherAccountWaitsForAPersonsConfirmation() throws Exception {
        startReporters();
        dopplerHolds(NEW, "octo");
        String fp = CopilotCredential.fingerprint(MALLORYS);
        String betaAuth = world.authJsonOf("beta");

        loginInside("alpha", MALLORYS);

        await().atMost(Duration.ofSeconds(40)).until(() -> adoption.status("alpha").map(AdoptionStatus::state).orElse("")
                .equals("waiting_confirmation"));
        AdoptionStatus waiting = adoption.status("alpha").orElseThrow();
        assertThat(waiting.account()).contains("mallory");
        assertThat(waiting.accountOnRecord()).contains("octo");
        assertThat(waiting.message()).contains("not spread without a person's confirmation")
                .contains("/workspaces/alpha/credential/confirm?credential=" + fp);
        assertThat(heldCredential("alpha").path("adoption").path("state").asText()).isEqualTo("waiting_confirmation");
        assertThat(states.of("alpha").orElseThrow().state()).as("it works in alpha").isEqualTo(CopilotState.WORKING);
        assertThat(DopplerWireMock.writes(doppler)).as("nothing spread").isEmpty();
        assertThat(world.authJsonOf("beta")).isEqualTo(betaAuth);

        given().post("/workspaces/alpha/credential/confirm?credential=" + fp).then().statusCode(401);
        given().header("Authorization", "Bearer " + ALPHA_TOKEN).post("/workspaces/alpha/credential/confirm?credential=" + fp).then()
                .statusCode(401); // a report token confirms nothing
        given().header("Authorization", "Bearer test-token").post("/workspaces/alpha/credential/confirm?credential=0123456789ab").then()
                .statusCode(409);
        given().header("Authorization", "Bearer test-token").post("/workspaces/alpha/credential/confirm?credential=nope").then()
                .statusCode(400);
        assertThat(DopplerWireMock.writes(doppler)).isEmpty();

        given().header("Authorization", "Bearer test-token").post("/workspaces/alpha/credential/confirm?credential=" + fp).then()
                .statusCode(202);

        await().atMost(Duration.ofSeconds(90)).until(() -> adoption.status("alpha").map(AdoptionStatus::state).orElse("").equals("adopted"));
        String reduced = TestCredentials.authJson(MALLORYS);
        assertThat(DopplerWireMock.writes(doppler)).as("the confirmed account is on record now")
                .containsExactly(Map.of(ws("alpha").dopplerSecret(), reduced, ws("beta").dopplerSecret(), reduced, ACCOUNT, "mallory"));
        assertThat(JSON.readTree(world.authJsonOf("beta")).path("github-copilot").path("refresh").asText()).isEqualTo(MALLORYS);
    }
}
