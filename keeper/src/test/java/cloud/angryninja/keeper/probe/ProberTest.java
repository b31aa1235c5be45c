package cloud.angryninja.keeper.probe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.probe.ProbeResult.Outcome;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The three probes end to end on real parts: real OpenCode 1.18.33 servers, the Copilot API as
 * WireMock stubs, the workspace Secrets in a Kubernetes API (fabric8 mock server, CRUD mode).
 */
@Tier.Integration
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(value = RealWorkspacesResource.class, initArgs = @io.quarkus.test.common.ResourceArg(name = "standIns", value = "true"))
class ProberTest {

    static final String MODELS = "{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true},"
            + "{\"id\":\"claude-sonnet-4.6\",\"model_picker_enabled\":true},{\"id\":\"embed\",\"model_picker_enabled\":false}]}";
    /** What some plans answer: 200, every model out of the picker. */
    static final String NO_PICKER_MODELS = "{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":false},"
            + "{\"id\":\"claude-sonnet-4.6\",\"model_picker_enabled\":false}]}";

    @RealWorkspacesResource.CopilotStub
    WireMockServer copilot;

    @Inject
    KubernetesClient kube;

    @Inject
    Workspaces workspaces;

    @Inject
    Prober prober;

    @Inject
    ProbeCycle cycle;

    @Inject
    RateLimitWindow rateLimits;

    @Inject
    WorkspaceStates states;

    @BeforeEach
    void resetCopilot() {
        // the first cycle runs at start-up: let it end so its Copilot calls and results cannot mix with a test's
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> cycle.cycles() >= 1);
        // every test starts outside a 429 window: an earlier test's window (keeper.probe.rate-limit-window, 10s here) is
        // closed, not waited out
        rateLimits.clear();
        copilot.resetAll();
        stubToken("gho_valid", aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS));
        stubToken("gho_revoked", aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}"));
        stubToken("gho_noentitlement", aResponse().withStatus(403).withBody("{\"message\":\"no Copilot\"}"));
        stubToken("gho_servererror", aResponse().withStatus(500));
        stubToken("gho_slow", aResponse().withStatus(200).withBody(MODELS).withFixedDelay(4000));
        stubToken(RealWorkspacesResource.SEEDED_TOKEN_DEFAULT, aResponse().withStatus(401));
        // used by one test each: no earlier test has confirmed their refusal already
        stubToken("gho_confirm401", aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}"));
        stubToken("gho_confirm403", aResponse().withStatus(403).withBody("{\"message\":\"no Copilot\"}"));
        stubToken("gho_nopicker", aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(NO_PICKER_MODELS));
        // one transient 401 for a valid token, then 200, as GitHub answers now and then
        copilot.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer gho_transient"))
                .inScenario("transient").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("refused once").willReturn(aResponse().withStatus(401).withBody("{\"message\":\"unauthorized: token expired\"}")));
        copilot.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer gho_transient"))
                .inScenario("transient").whenScenarioStateIs("refused once")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS)));
    }

    private static double metric(String name, java.util.Map<String, String> labels) {
        return cloud.angryninja.keeper.testing.MetricsText.value(cloud.angryninja.keeper.testing.MetricsText.scrape(), name, labels)
                .orElseThrow(() -> new AssertionError("no series " + name + labels));
    }

    private static double state(String workspace, CopilotState s) {
        return metric(cloud.angryninja.keeper.metrics.KeeperMetrics.STATE, java.util.Map.of("workspace", workspace, "state", s.label()));
    }

    private static double unconfirmed(String workspace, int status) {
        return metric(cloud.angryninja.keeper.metrics.KeeperMetrics.UNCONFIRMED_REFUSALS,
                java.util.Map.of("workspace", workspace, "status", Integer.toString(status)));
    }

    private static void assertOneHot(String workspace, CopilotState expected) {
        for (CopilotState s : CopilotState.values()) {
            assertThat(state(workspace, s)).as(workspace + " state=" + s.label()).isEqualTo(s == expected ? 1.0 : 0.0);
        }
    }

    private void stubToken(String token, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        copilot.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer " + token)).willReturn(response));
    }

    private Workspace ws(String name) {
        return workspaces.byName(name).orElseThrow();
    }

    private void secret(Workspace w, String authJson) {
        kube.secrets().inNamespace(w.namespace()).resource(new SecretBuilder()
                .withNewMetadata().withName(w.secret()).withNamespace(w.namespace()).endMetadata()
                .addToData(w.secretKey(), Base64.getEncoder().encodeToString(authJson.getBytes(StandardCharsets.UTF_8)))
                .build()).createOr(existing -> existing.update());
    }

    private WorkspaceState probeWithToken(String token) {
        secret(ws("seeded"), TestCredentials.authJson(token));
        return prober.probeNow(ws("seeded"));
    }

    @Test
    void upWithVersionAndProviderLoadedWhenAuthJsonWasThereAtStart() {
        WorkspaceState s = probeWithToken("gho_valid");

        assertThat(s.up().outcome()).isEqualTo(Outcome.PASS);
        assertThat(s.openCodeVersion()).contains("1.18.33");
        assertThat(s.copilotProvider().outcome()).isEqualTo(Outcome.PASS);
        assertThat(s.copilotProvider().reason()).contains("github-copilot loaded with");
    }

    @Test
    void providerLoadedProvesNothingAboutTheCredential() {
        // The seeded server's own credential answers 401 at the stand-in, yet OpenCode lists the provider.
        WorkspaceState s = probeWithToken(RealWorkspacesResource.SEEDED_TOKEN_DEFAULT);

        assertThat(s.copilotProvider().outcome()).isEqualTo(Outcome.PASS);
        assertThat(s.credential().outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void providerNotLoadedWithoutAuthJson() {
        WorkspaceState s = prober.probeNow(ws("bare"));

        assertThat(s.up().outcome()).isEqualTo(Outcome.PASS);
        assertThat(s.copilotProvider().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.copilotProvider().reason()).contains("github-copilot is configured but has no credential");
    }

    @Test
    void validCredential() {
        WorkspaceState s = probeWithToken("gho_valid");

        assertThat(s.credential()).isEqualTo(ProbeResult.pass("HTTP 200: 2 models enabled in the model picker"));
        assertThat(s.copilotModels()).isEqualTo(2);
        assertThat(s.credentialFingerprint()).contains(cloud.angryninja.keeper.copilot.CopilotCredential.fingerprint("gho_valid"));
        assertThat(s.lastSuccess()).isEqualTo(s.lastProbe());
        copilot.verify(getRequestedFor(urlEqualTo("/models")).withHeader("X-GitHub-Api-Version", equalTo("2026-06-01")));
    }

    @Test
    void revokedCredentialIsInvalid() {
        WorkspaceState s = probeWithToken("gho_revoked");

        assertThat(s.credential().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.credential().reason()).contains("HTTP 401");
    }

    @Test
    void noEntitlementIsInvalid() {
        WorkspaceState s = probeWithToken("gho_noentitlement");

        assertThat(s.credential().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.credential().reason()).contains("HTTP 403");
    }

    @Test
    void serverErrorIsUnknown() {
        WorkspaceState s = probeWithToken("gho_servererror");

        assertThat(s.credential().outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(s.credential().reason()).contains("HTTP 500");
    }

    @Test
    void timeoutIsUnknown() {
        WorkspaceState s = probeWithToken("gho_slow");

        assertThat(s.credential().outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(s.credential().reason()).startsWith("no answer within 2000 ms");
    }

    @Test
    void missingSecretIsUnknownAndBadAuthJsonIsInvalid() {
        Workspace bare = ws("bare");
        kube.secrets().inNamespace(bare.namespace()).withName(bare.secret()).delete();
        assertThat(prober.probeNow(bare).credential())
                .isEqualTo(ProbeResult.unknown("secret opencode/bare-copilot does not exist"));

        secret(bare, "{\"github-copilot\": {\"type\":\"oauth\"");
        WorkspaceState s = prober.probeNow(bare);
        assertThat(s.credential().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.credential().reason()).startsWith("secret opencode/bare-copilot key COPILOT_AUTH_JSON: auth.json is not valid JSON");
    }

    @Test
    void wrongPasswordIsDownWithReason() {
        WorkspaceState s = prober.probeNow(ws("wrongpw"));

        assertThat(s.up()).isEqualTo(ProbeResult.fail("GET /global/health: HTTP 401, wrong username or password"));
        assertThat(s.copilotProvider().outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void openCodeDownIsDownWithReason() {
        WorkspaceState s = prober.probeNow(ws("down"));

        assertThat(s.up().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.up().reason()).startsWith("GET /global/health: cannot connect to 127.0.0.1:");
    }

    @Test
    void sharedCredentialIsCheckedOncePerCycle() {
        secret(ws("seeded"), TestCredentials.authJson("gho_valid"));
        secret(ws("bare"), TestCredentials.authJson("gho_valid"));
        secret(ws("wrongpw"), TestCredentials.authJson("gho_valid"));
        secret(ws("down"), TestCredentials.authJson("gho_revoked"));

        Prober.CycleReport report = prober.runCycle(workspaces.all());

        assertThat(report.credentialChecks()).isEqualTo(2);
        copilot.verify(1, getRequestedFor(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer gho_valid")));
        assertThat(states.of("bare").orElseThrow().credential().outcome()).isEqualTo(Outcome.PASS);
        assertThat(states.of("down").orElseThrow().credential().outcome()).isEqualTo(Outcome.FAIL);
    }

    @Test
    void metricsCarryThePinnedNamesForEveryWorkspace() {
        probeWithToken("gho_valid");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        for (String w : new String[] {"seeded", "bare", "wrongpw", "down"}) {
            for (String name : new String[] {"opencode_keeper_workspace_up", "opencode_keeper_copilot_provider_loaded",
                    "opencode_keeper_copilot_credential_valid", "opencode_keeper_copilot_models",
                    "opencode_keeper_probe_duration_seconds", "opencode_keeper_probe_last_success_timestamp_seconds"}) {
                assertThat(metrics).contains(name + "{workspace=\"" + w + "\"}");
            }
            assertThat(metrics).contains("opencode_keeper_copilot_check_errors_total{reason=\"timeout\",workspace=\"" + w + "\"}");
        }
        assertThat(metrics).containsPattern("opencode_keeper_build_info\\{version=\"[^\"]+\"} 1\\.0");
        assertThat(metrics).contains("opencode_keeper_workspace_up{workspace=\"seeded\"} 1.0");
        assertThat(metrics).contains("opencode_keeper_copilot_credential_valid{workspace=\"seeded\"} 1.0");
        assertThat(metrics).contains("opencode_keeper_copilot_models{workspace=\"seeded\"} 2.0");
        // Never successful since start: 0, so OpencodeKeeperProbeStale can fire for it (NaN would never compare).
        assertThat(metrics).contains("opencode_keeper_probe_last_success_timestamp_seconds{workspace=\"down\"} 0.0");
        assertThat(metrics).containsPattern("opencode_keeper_probe_last_success_timestamp_seconds\\{workspace=\"seeded\"} 1\\.[0-9]+E9");
    }

    @Test
    void unknownCredentialShowsNaNAndCountsTheReason() {
        probeWithToken("gho_servererror");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics).contains("opencode_keeper_copilot_credential_valid{workspace=\"seeded\"} NaN");
        assertThat(metrics).containsPattern("opencode_keeper_copilot_check_errors_total\\{reason=\"server_error\",workspace=\"seeded\"} [1-9]");
    }

    @Test
    void workspacesNeedsTheBearerToken() {
        given().get("/workspaces").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer wrong").get("/workspaces").then().statusCode(401);
        given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .body("workspace", org.hamcrest.Matchers.contains("bare", "down", "future", "next", "seeded", "wrongpw"));
    }

    @Test
    void workspacesShowsStateWithoutSecrets() {
        probeWithToken("gho_valid");
        String body = given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .body("find { it.workspace == 'seeded' }.up.outcome", org.hamcrest.Matchers.equalTo("PASS"))
                .body("find { it.workspace == 'seeded' }.openCodeVersion", org.hamcrest.Matchers.equalTo("1.18.33"))
                .body("find { it.workspace == 'seeded' }.repository.outcome", org.hamcrest.Matchers.equalTo("PASS"))
                .body("find { it.workspace == 'seeded' }.credentialFingerprint", org.hamcrest.Matchers.equalTo(
                        cloud.angryninja.keeper.copilot.CopilotCredential.fingerprint("gho_valid")))
                .extract().asString();
        assertThat(body).doesNotContain("gho_valid").doesNotContain("pw-seeded");
    }

    // --- whether OpenCode sees the workspace's repository ---------------------------------------------------------

    private static double projectVcs(String workspace) {
        return metric(cloud.angryninja.keeper.metrics.KeeperMetrics.PROJECT_VCS, java.util.Map.of("workspace", workspace));
    }

    @Test
    void openCodeInAGitRepositorySeesItsProject() {
        WorkspaceState s = probeWithToken("gho_valid");

        assertThat(s.repository().outcome()).isEqualTo(Outcome.PASS);
        assertThat(s.repository().reason()).startsWith("OpenCode sees the git repository at ").endsWith("/seeded/workspace");
        assertThat(projectVcs("seeded")).isEqualTo(1.0);
    }

    @Test
    void openCodeOutsideARepositorySeesNoneAndCopilotIsJudgedAsBefore() {
        WorkspaceState s = prober.probeNow(ws("bare"));

        assertThat(s.repository().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.repository().reason()).startsWith("OpenCode sees no repository (project global, worktree /)");
        assertThat(projectVcs("bare")).isEqualTo(0.0);
        // the same real OpenCode without a repository: the Copilot verdict is its own (no auth.json: not_loaded)
        assertThat(s.state()).isEqualTo(CopilotState.NOT_LOADED);
    }

    @Test
    void noAnswerOrAnotherApiLeavesTheRepositoryUnknown() {
        WorkspaceState down = prober.probeNow(ws("down"));
        assertThat(down.repository().outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(down.repository().reason()).contains("GET /project/current: cannot connect");
        assertThat(projectVcs("down")).isNaN();
        WorkspaceState wrongPassword = prober.probeNow(ws("wrongpw"));
        assertThat(wrongPassword.repository().reason()).contains("HTTP 401");
        assertThat(projectVcs("wrongpw")).isNaN();
        WorkspaceState next = prober.probeNow(ws("next"));
        assertThat(next.repository().reason()).as("OpenCode 2.x routes").isEqualTo("GET /project/current: HTTP 404");
        assertThat(projectVcs("next")).isNaN();
    }

    // --- the one verdict per workspace ---------------------------------------------------------------------------

    @Test
    void workingWhenEverythingAnswersAndModelsAreInThePicker() {
        WorkspaceState s = probeWithToken("gho_valid");

        assertThat(s.state()).isEqualTo(CopilotState.WORKING);
        assertOneHot("seeded", CopilotState.WORKING);
        assertThat(metric(cloud.angryninja.keeper.metrics.KeeperMetrics.CREDENTIAL_VALID, java.util.Map.of("workspace", "seeded")))
                .isEqualTo(1.0);
    }

    @Test
    void oneTransient401IsCountedNeverReportedAsInvalid() {
        probeWithToken("gho_valid");
        double before = unconfirmed("seeded", 401);

        WorkspaceState s = probeWithToken("gho_transient");

        assertThat(s.state()).isEqualTo(CopilotState.WORKING);
        assertThat(s.credential().outcome()).isEqualTo(Outcome.PASS);
        copilot.verify(2, getRequestedFor(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer gho_transient")));
        assertThat(unconfirmed("seeded", 401)).isEqualTo(before + 1);
        assertThat(metric(cloud.angryninja.keeper.metrics.KeeperMetrics.CREDENTIAL_VALID, java.util.Map.of("workspace", "seeded")))
                .as("credential_valid never went to 0").isEqualTo(1.0);
        assertOneHot("seeded", CopilotState.WORKING);
    }

    @Test
    void aConfirmed401IsRevokedAndItsRepeatNeedsNoSecondWait() {
        double before = unconfirmed("seeded", 401);
        WorkspaceState s = probeWithToken("gho_confirm401");

        assertThat(s.state()).isEqualTo(CopilotState.REVOKED);
        assertThat(s.credential().reason()).contains("HTTP 401").contains("confirmed by a second check");
        copilot.verify(2, getRequestedFor(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer gho_confirm401")));
        assertThat(metric(cloud.angryninja.keeper.metrics.KeeperMetrics.CREDENTIAL_VALID, java.util.Map.of("workspace", "seeded")))
                .isEqualTo(0.0);
        assertThat(unconfirmed("seeded", 401)).isEqualTo(before);
        assertOneHot("seeded", CopilotState.REVOKED);

        assertThat(prober.probeNow(ws("seeded")).state()).isEqualTo(CopilotState.REVOKED);
        copilot.verify(3, getRequestedFor(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer gho_confirm401")));
    }

    @Test
    void aConfirmed403IsNoEntitlementAndAReseedDoesNotFixIt() {
        WorkspaceState s = probeWithToken("gho_confirm403");

        assertThat(s.state()).isEqualTo(CopilotState.NO_ENTITLEMENT);
        assertThat(s.state().reseedFixes()).isFalse();
        copilot.verify(2, getRequestedFor(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer gho_confirm403")));
        assertOneHot("seeded", CopilotState.NO_ENTITLEMENT);
    }

    @Test
    void acceptedWithoutPickerModelsIsNoModelsWithCredentialValid() {
        WorkspaceState s = probeWithToken("gho_nopicker");

        assertThat(s.state()).isEqualTo(CopilotState.NO_MODELS);
        assertThat(s.credential()).isEqualTo(ProbeResult.pass("HTTP 200: no model enabled in the model picker"));
        assertThat(metric(cloud.angryninja.keeper.metrics.KeeperMetrics.CREDENTIAL_VALID, java.util.Map.of("workspace", "seeded")))
                .isEqualTo(1.0);
        assertThat(metric(cloud.angryninja.keeper.metrics.KeeperMetrics.MODELS, java.util.Map.of("workspace", "seeded"))).isEqualTo(0.0);
        assertOneHot("seeded", CopilotState.NO_MODELS);
    }

    @Test
    void aReported429IsRateLimitedForTheWindowThenWorkingAgain() {
        secret(ws("seeded"), TestCredentials.authJson("gho_valid"));
        rateLimits.refused("seeded", 429);

        assertThat(prober.probeNow(ws("seeded")).state()).isEqualTo(CopilotState.RATE_LIMITED);
        assertOneHot("seeded", CopilotState.RATE_LIMITED);
        // keeper.probe.rate-limit-window is 10s here
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> prober.probeNow(ws("seeded")).state() == CopilotState.WORKING);
    }

    @Test
    void aRateLimitDoesNotHideARevokedCredential() {
        rateLimits.refused("seeded", 429);
        assertThat(probeWithToken("gho_revoked").state()).isEqualTo(CopilotState.REVOKED);
    }

    @Test
    void openCodeWithoutTheProviderIsNotLoaded() {
        WorkspaceState s = prober.probeNow(ws("bare"));
        assertThat(s.state()).isEqualTo(CopilotState.NOT_LOADED);
        assertThat(s.state().reseedFixes()).isTrue();
        assertOneHot("bare", CopilotState.NOT_LOADED);
    }

    @Test
    void openCodeNotAnsweringIsDown() {
        assertThat(prober.probeNow(ws("down")).state()).isEqualTo(CopilotState.DOWN);
        assertThat(prober.probeNow(ws("wrongpw")).state()).isEqualTo(CopilotState.DOWN);
        assertOneHot("down", CopilotState.DOWN);
    }

    @Test
    void copilotApiWithoutAnswerIsUnknown() {
        assertThat(probeWithToken("gho_servererror").state()).isEqualTo(CopilotState.UNKNOWN);
        assertOneHot("seeded", CopilotState.UNKNOWN);
        assertThat(probeWithToken("gho_slow").state()).isEqualTo(CopilotState.UNKNOWN);
    }

    @Test
    void openCode2RoutesAreUnsupportedEvenWithAValidSecret() {
        Workspace next = ws("next");
        secret(next, TestCredentials.authJson("gho_valid"));

        WorkspaceState s = prober.probeNow(next);

        assertThat(s.state()).isEqualTo(CopilotState.UNSUPPORTED);
        assertThat(s.up().reason()).contains("/api/health");
        assertOneHot("next", CopilotState.UNSUPPORTED);
        assertThat(metric(cloud.angryninja.keeper.metrics.KeeperMetrics.WORKSPACE_UP, java.util.Map.of("workspace", "next")))
                .as("2.x answers its health route").isEqualTo(1.0);
    }

    @Test
    void aVersionOutsideTheSupportedRangeIsUnsupported() {
        Workspace future = ws("future");
        secret(future, TestCredentials.authJson("gho_valid"));

        WorkspaceState s = prober.probeNow(future);

        assertThat(s.openCodeVersion()).contains("2.0.3");
        assertThat(s.state()).isEqualTo(CopilotState.UNSUPPORTED);
    }

    @Test
    void everyWorkspaceHasExactlyOneStateSeriesAtOneAfterACycle() {
        secret(ws("seeded"), TestCredentials.authJson("gho_valid"));
        prober.runCycle(workspaces.all());
        String text = cloud.angryninja.keeper.testing.MetricsText.scrape();
        for (Workspace w : workspaces.all()) {
            int ones = 0;
            for (CopilotState s : CopilotState.values()) {
                double v = cloud.angryninja.keeper.testing.MetricsText.value(text, cloud.angryninja.keeper.metrics.KeeperMetrics.STATE,
                        java.util.Map.of("workspace", w.name(), "state", s.label())).orElseThrow();
                assertThat(v).as(w.name() + " " + s.label()).isIn(0.0, 1.0);
                ones += v == 1.0 ? 1 : 0;
            }
            assertThat(ones).as(w.name()).isEqualTo(1);
        }
    }

    @Test
    void workspacesCarryTheStateAndItsSentence() {
        probeWithToken("gho_revoked");
        prober.probeNow(ws("next"));
        given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .body("find { it.workspace == 'seeded' }.state", org.hamcrest.Matchers.equalTo("revoked"))
                .body("find { it.workspace == 'seeded' }.stateSentence", containsString("A reseed fixes it"))
                .body("find { it.workspace == 'next' }.state", org.hamcrest.Matchers.equalTo("unsupported"))
                .body("find { it.workspace == 'next' }.stateSentence", containsString("A reseed does not fix it"));
    }

    // --- the documented state table -----------------------------------------------------------------------------

    /** One row of the "States by case" table in docs/metrics.md. */
    record Row(String state, String credentialValid, String alert) {
    }

    static java.util.Map<String, Row> documentedStates() {
        String doc = cloud.angryninja.keeper.manifests.Repo.read(cloud.angryninja.keeper.manifests.Repo.path("docs/metrics.md"));
        String section = doc.substring(doc.indexOf("### States by case"));
        java.util.Map<String, Row> rows = new java.util.LinkedHashMap<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            // | case | what happens | state | credential_valid | alert |
            rows.put(bare(cells[1]), new Row(bare(cells[3]), bare(cells[4]), bare(cells[5])));
        }
        return rows;
    }

    private static String bare(String cell) {
        return cell.strip().replace("`", "");
    }

    /** Drives one case of the table and answers the workspace it happened on. */
    private java.util.Map<String, java.util.function.Supplier<String>> cases() {
        java.util.Map<String, java.util.function.Supplier<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("valid", () -> probed("seeded", "gho_valid"));
        cases.put("transient-401", () -> probed("seeded", "gho_transient"));
        cases.put("revoked", () -> probed("seeded", "gho_revoked"));
        cases.put("no-entitlement", () -> probed("seeded", "gho_noentitlement"));
        cases.put("no-picker-models", () -> probed("seeded", "gho_nopicker"));
        cases.put("rate-limited", () -> {
            secret(ws("seeded"), TestCredentials.authJson("gho_valid"));
            rateLimits.refused("seeded", 429);
            prober.probeNow(ws("seeded"));
            return "seeded";
        });
        cases.put("copilot-unreachable", () -> probed("seeded", "gho_servererror"));
        cases.put("copilot-timeout", () -> probed("seeded", "gho_slow"));
        cases.put("secret-missing", () -> {
            kube.secrets().inNamespace(ws("seeded").namespace()).withName(ws("seeded").secret()).delete();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> kube.secrets().inNamespace(ws("seeded").namespace()).withName(ws("seeded").secret()).get() == null);
            prober.probeNow(ws("seeded"));
            return "seeded";
        });
        cases.put("auth-json-missing-in-pod", () -> probed("bare", "gho_valid"));
        cases.put("auth-json-unusable", () -> {
            secret(ws("seeded"), "{\"github-copilot\": {\"type\":\"oauth\"");
            prober.probeNow(ws("seeded"));
            return "seeded";
        });
        cases.put("opencode-down", () -> probed("down", "gho_valid"));
        cases.put("opencode-2", () -> probed("next", "gho_valid"));
        cases.put("version-outside-range", () -> probed("future", "gho_valid"));
        return cases;
    }

    private String probed(String workspace, String token) {
        secret(ws(workspace), TestCredentials.authJson(token));
        prober.probeNow(ws(workspace));
        return workspace;
    }

    /** The alerts of a workspace's state; ProbeStale, ReseedFailed and KeeperDown watch other things. */
    static final java.util.List<String> STATE_ALERTS = java.util.List.of("OpencodeCopilotCredentialInvalid",
            "OpencodeCopilotNoEntitlement", "OpencodeCopilotNoModels", "OpencodeCopilotRateLimited", "OpencodeWorkspaceUnsupported",
            "OpencodeCopilotProviderNotLoaded", "OpencodeWorkspaceDown");

    @Test
    void theDocumentedStateTableIsWhatTheKeeperDoes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.util.Map<String, Row> table = documentedStates();
        java.util.Map<String, java.util.function.Supplier<String>> cases = cases();
        assertThat(table.keySet()).as("the cases of docs/metrics.md are the cases driven here").containsExactlyElementsOf(cases.keySet());

        com.fasterxml.jackson.databind.node.ObjectNode tests = cloud.angryninja.keeper.manifests.Yaml.JSON.createObjectNode();
        tests.putArray("rule_files").add("rules.yaml");
        tests.put("evaluation_interval", "1m");
        com.fasterxml.jackson.databind.node.ObjectNode test = tests.putArray("tests").addObject();
        test.put("interval", "1m");
        com.fasterxml.jackson.databind.node.ArrayNode input = test.putArray("input_series");
        java.util.Map<String, java.util.List<String>> firing = new java.util.LinkedHashMap<>();
        STATE_ALERTS.forEach(a -> firing.put(a, new java.util.ArrayList<>()));

        for (var c : cases.entrySet()) {
            String name = c.getKey();
            Row row = table.get(name);
            String workspace = c.getValue().get();
            String text = cloud.angryninja.keeper.testing.MetricsText.scrape();
            java.util.Map<String, String> labels = java.util.Map.of("workspace", workspace);
            String state = null;
            for (CopilotState st : CopilotState.values()) {
                double v = cloud.angryninja.keeper.testing.MetricsText.value(text, cloud.angryninja.keeper.metrics.KeeperMetrics.STATE,
                        java.util.Map.of("workspace", workspace, "state", st.label())).orElseThrow();
                if (v == 1.0) {
                    state = st.label();
                }
                addSeries(input, cloud.angryninja.keeper.metrics.KeeperMetrics.STATE, name, ",state=\"" + st.label() + "\"", v);
            }
            double valid = cloud.angryninja.keeper.testing.MetricsText.value(text,
                    cloud.angryninja.keeper.metrics.KeeperMetrics.CREDENTIAL_VALID, labels).orElseThrow();
            assertThat(state).as(name + ": state").isEqualTo(row.state());
            assertThat(Double.isNaN(valid) ? "NaN" : Integer.toString((int) valid)).as(name + ": credential_valid")
                    .isEqualTo(row.credentialValid());
            addSeries(input, cloud.angryninja.keeper.metrics.KeeperMetrics.CREDENTIAL_VALID, name, "", valid);
            for (String m : new String[] {cloud.angryninja.keeper.metrics.KeeperMetrics.WORKSPACE_UP,
                    cloud.angryninja.keeper.metrics.KeeperMetrics.PROVIDER_LOADED}) {
                addSeries(input, m, name, "", cloud.angryninja.keeper.testing.MetricsText.value(text, m, labels).orElseThrow());
            }
            if (!row.alert().equals("none")) {
                assertThat(firing).as(name + ": a state alert").containsKey(row.alert());
                firing.get(row.alert()).add(name);
            }
        }

        // Each state alert's expression (its for: aside, the series being constant) fires for exactly its cases.
        java.util.Map<String, String> alerts = cloud.angryninja.keeper.deploy.Promtool.shippedAlerts();
        com.fasterxml.jackson.databind.node.ArrayNode exprTests = test.putArray("promql_expr_test");
        for (var a : firing.entrySet()) {
            com.fasterxml.jackson.databind.node.ObjectNode t = exprTests.addObject();
            t.put("expr", "count by (workspace) (" + alerts.get(a.getKey()) + ")");
            t.put("eval_time", "10m");
            com.fasterxml.jackson.databind.node.ArrayNode samples = t.putArray("exp_samples");
            for (String caseName : a.getValue()) {
                samples.addObject().put("labels", "{workspace=\"" + caseName + "\"}").put("value", 1);
            }
        }
        cloud.angryninja.keeper.manifests.Yaml.write(dir.resolve("rules.yaml"), cloud.angryninja.keeper.deploy.Promtool.shippedRuleGroups());
        cloud.angryninja.keeper.manifests.Yaml.write(dir.resolve("tests.yaml"), tests);
        cloud.angryninja.keeper.manifests.Tools.Result result = cloud.angryninja.keeper.deploy.Promtool.run(dir, "test", "rules", "tests.yaml");
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    }

    /** The keeper's sample as a constant promtool input series, its workspace label renamed to the case. */
    private static void addSeries(com.fasterxml.jackson.databind.node.ArrayNode input, String name, String caseName, String extraLabels,
            double value) {
        String v = Double.isNaN(value) ? "NaN" : Integer.toString((int) value);
        input.addObject().put("series", name + "{job=\"opencode-keeper\",instance=\"10.0.0.5:8080\",namespace=\"opencode\","
                + "workspace=\"" + caseName + "\"" + extraLabels + "}").put("values", String.join(" ", java.util.Collections.nCopies(12, v)));
    }

    // --- the Copilot quota (GitHub's GET /copilot_internal/user, played by the same stand-in) ----------------------
    // QuotaWatch asks once per credential per keeper.quota.interval (5m): each test uses tokens of its own.

    @Inject
    cloud.angryninja.keeper.quota.QuotaWatch quota;

    private void awaitQuotaCalls() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(quota::idle);
    }

    private WorkspaceState probeWithQuota(String token, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder quotaAnswer) {
        stubToken(token, aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS));
        cloud.angryninja.keeper.quota.QuotaStandIn.stub(copilot, token, quotaAnswer);
        WorkspaceState s = probeWithToken(token);
        awaitQuotaCalls();
        return s;
    }

    private static java.util.Optional<Double> quotaSeries(String name, String workspace, String... labels) {
        java.util.Map<String, String> wanted = new java.util.HashMap<>(java.util.Map.of("workspace", workspace));
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return cloud.angryninja.keeper.testing.MetricsText.value(cloud.angryninja.keeper.testing.MetricsText.scrape(), name, wanted);
    }

    @Test
    void theQuotaSeriesCarryThePinnedNamesAndWorkspacesShowsPlanPremiumResetAndAccount() {
        probeWithQuota("gho_quota_paid", cloud.angryninja.keeper.quota.QuotaStandIn.answer(cloud.angryninja.keeper.quota.QuotaStandIn.PAID));

        String text = cloud.angryninja.keeper.testing.MetricsText.scrape();
        for (String name : cloud.angryninja.keeper.quota.QuotaMetrics.NAMES) {
            assertThat(text).as("as users see it in /q/metrics").contains("# TYPE " + name + " gauge");
        }
        assertThat(quotaSeries("opencode_keeper_copilot_quota_remaining", "seeded", "quota", "premium_interactions")).contains(213.0);
        assertThat(quotaSeries("opencode_keeper_copilot_quota_entitlement", "seeded", "quota", "premium_interactions")).contains(300.0);
        assertThat(quotaSeries("opencode_keeper_copilot_quota_unlimited", "seeded", "quota", "premium_interactions")).contains(0.0);
        assertThat(quotaSeries("opencode_keeper_copilot_quota_unlimited", "seeded", "quota", "chat")).contains(1.0);
        assertThat(quotaSeries("opencode_keeper_copilot_quota_reset_timestamp_seconds", "seeded"))
                .contains((double) java.time.Instant.parse("2027-01-01T00:00:00Z").getEpochSecond());
        assertThat(quotaSeries("opencode_keeper_copilot_quota_plan_info", "seeded", "plan", "business")).contains(1.0);
        assertThat(quotaSeries("opencode_keeper_copilot_quota_plan_info", "seeded", "plan", "free")).as("one plan series").isEmpty();

        String body = given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .body("find { it.workspace == 'seeded' }.state", org.hamcrest.Matchers.equalTo("working"))
                .body("find { it.workspace == 'seeded' }.credentialFingerprint", org.hamcrest.Matchers.equalTo(
                        cloud.angryninja.keeper.copilot.CopilotCredential.fingerprint("gho_quota_paid")))
                .body("find { it.workspace == 'seeded' }.quota.status", org.hamcrest.Matchers.equalTo("KNOWN"))
                .body("find { it.workspace == 'seeded' }.quota.account", org.hamcrest.Matchers.equalTo("octo-worker"))
                .body("find { it.workspace == 'seeded' }.quota.plan", org.hamcrest.Matchers.equalTo("business"))
                .body("find { it.workspace == 'seeded' }.quota.premiumRemaining", org.hamcrest.Matchers.equalTo(213))
                .body("find { it.workspace == 'seeded' }.quota.premiumEntitlement", org.hamcrest.Matchers.equalTo(300))
                .body("find { it.workspace == 'seeded' }.quota.resetsAt", org.hamcrest.Matchers.equalTo("2027-01-01T00:00:00Z"))
                .extract().asString();
        assertThat(body).doesNotContain("gho_quota_paid");
    }

    @Test
    void aQuotaEndpointThatFailsLeavesTheSeriesAbsentAndNeverChangesTheVerdict() {
        java.util.Map<String, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> failures = new java.util.LinkedHashMap<>();
        failures.put("gho_quota_404", aResponse().withStatus(404).withBody("{\"message\":\"Not Found\"}"));
        failures.put("gho_quota_429", aResponse().withStatus(429).withHeader("Retry-After", "60"));
        failures.put("gho_quota_403", aResponse().withStatus(403).withBody("{\"message\":\"Resource not accessible by integration\"}"));
        failures.put("gho_quota_shape", cloud.angryninja.keeper.quota.QuotaStandIn.answer(cloud.angryninja.keeper.quota.QuotaStandIn.UNKNOWN_SHAPE));
        failures.put("gho_quota_slow", cloud.angryninja.keeper.quota.QuotaStandIn.answer(cloud.angryninja.keeper.quota.QuotaStandIn.PAID)
                .withFixedDelay(4000)); // keeper.github.timeout is 2s here
        failures.forEach((token, answer) -> {
            WorkspaceState s = probeWithQuota(token, answer);
            assertThat(s.state()).as(token).isEqualTo(CopilotState.WORKING);
            assertThat(prober.probeNow(ws("seeded")).state()).as(token + ", probed again after the quota call").isEqualTo(CopilotState.WORKING);
            assertOneHot("seeded", CopilotState.WORKING);
            assertThat(metric(cloud.angryninja.keeper.metrics.KeeperMetrics.CREDENTIAL_VALID, java.util.Map.of("workspace", "seeded")))
                    .as(token).isEqualTo(1.0);
            String text = cloud.angryninja.keeper.testing.MetricsText.scrape();
            assertThat(text).as(token).doesNotContainPattern("opencode_keeper_copilot_quota_[a-z_]+\\{[^}]*workspace=\"seeded\"");
            assertThat(cloud.angryninja.keeper.quota.QuotaStandIn.calls(copilot, token)).as(token + ": one call per interval").isEqualTo(1);
            given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                    .body("find { it.workspace == 'seeded' }.quota.status", org.hamcrest.Matchers.equalTo("UNKNOWN"));
        });
    }

    @Test
    void aRefusedCredentialsQuotaIsNeverAsked() {
        stubToken("gho_quota_refused", aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}"));
        cloud.angryninja.keeper.quota.QuotaStandIn.stub(copilot, "gho_quota_refused",
                cloud.angryninja.keeper.quota.QuotaStandIn.answer(cloud.angryninja.keeper.quota.QuotaStandIn.PAID));

        assertThat(probeWithToken("gho_quota_refused").state()).isEqualTo(CopilotState.REVOKED);
        awaitQuotaCalls();

        assertThat(cloud.angryninja.keeper.quota.QuotaStandIn.calls(copilot, "gho_quota_refused")).isZero();
        given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .body("find { it.workspace == 'seeded' }.quota.status", org.hamcrest.Matchers.equalTo("NOT_ASKED"));
    }

    @Test
    void workspacesSharingACredentialShareOneQuotaCallPerCycle() {
        String token = "gho_quota_shared";
        stubToken(token, aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS));
        cloud.angryninja.keeper.quota.QuotaStandIn.stub(copilot, token,
                cloud.angryninja.keeper.quota.QuotaStandIn.answer(cloud.angryninja.keeper.quota.QuotaStandIn.FREE));
        for (String w : new String[] {"seeded", "bare", "down"}) {
            secret(ws(w), TestCredentials.authJson(token));
        }

        prober.runCycle(workspaces.all());
        awaitQuotaCalls();
        prober.runCycle(workspaces.all());
        awaitQuotaCalls();

        assertThat(cloud.angryninja.keeper.quota.QuotaStandIn.calls(copilot, token)).isEqualTo(1);
        for (String w : new String[] {"seeded", "bare", "down"}) {
            assertThat(quotaSeries("opencode_keeper_copilot_quota_remaining", w, "quota", "chat")).as(w).contains(41.0);
            assertThat(quotaSeries("opencode_keeper_copilot_quota_plan_info", w, "plan", "free")).as(w).contains(1.0);
        }
    }

    @Test
    void readyAfterTheFirstCycleEvenWithWorkspacesDown() {
        // the first cycle starts at start-up and may still be running when the test starts
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200).body(containsString("probe-cycle"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
