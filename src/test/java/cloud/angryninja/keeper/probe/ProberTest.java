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

import cloud.angryninja.keeper.probe.ProbeResult.Outcome;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The three probes end to end on real parts: real OpenCode 1.18.33 servers, the Copilot API as
 * WireMock stubs, the workspace Secrets in a Kubernetes API (fabric8 mock server, CRUD mode).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(RealWorkspacesResource.class)
class ProberTest {

    static final String MODELS = "{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true},"
            + "{\"id\":\"claude-sonnet-4.6\",\"model_picker_enabled\":true},{\"id\":\"embed\",\"model_picker_enabled\":false}]}";

    @RealWorkspacesResource.CopilotStub
    WireMockServer copilot;

    @Inject
    KubernetesClient kube;

    @Inject
    Workspaces workspaces;

    @Inject
    Prober prober;

    @BeforeEach
    void resetCopilot() {
        copilot.resetAll();
        stubToken("gho_valid", aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS));
        stubToken("gho_revoked", aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}"));
        stubToken("gho_noentitlement", aResponse().withStatus(403).withBody("{\"message\":\"no Copilot\"}"));
        stubToken("gho_servererror", aResponse().withStatus(500));
        stubToken("gho_slow", aResponse().withStatus(200).withBody(MODELS).withFixedDelay(4000));
        stubToken(RealWorkspacesResource.SEEDED_TOKEN_DEFAULT, aResponse().withStatus(401));
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
                .isEqualTo(ProbeResult.unknown("secret opencode/bare-secret does not exist"));

        secret(bare, "{\"github-copilot\": {\"type\":\"oauth\"");
        WorkspaceState s = prober.probeNow(bare);
        assertThat(s.credential().outcome()).isEqualTo(Outcome.FAIL);
        assertThat(s.credential().reason()).startsWith("secret opencode/bare-secret key COPILOT_AUTH_JSON: auth.json is not valid JSON");
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
        assertThat(prober.state("bare").orElseThrow().credential().outcome()).isEqualTo(Outcome.PASS);
        assertThat(prober.state("down").orElseThrow().credential().outcome()).isEqualTo(Outcome.FAIL);
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
                .body("workspace", org.hamcrest.Matchers.contains("bare", "down", "seeded", "wrongpw"));
    }

    @Test
    void workspacesShowsStateWithoutSecrets() {
        probeWithToken("gho_valid");
        String body = given().header("Authorization", "Bearer test-token").get("/workspaces").then().statusCode(200)
                .body("find { it.workspace == 'seeded' }.up.outcome", org.hamcrest.Matchers.equalTo("PASS"))
                .body("find { it.workspace == 'seeded' }.openCodeVersion", org.hamcrest.Matchers.equalTo("1.18.33"))
                .body("find { it.workspace == 'seeded' }.credentialFingerprint", org.hamcrest.Matchers.equalTo(
                        cloud.angryninja.keeper.copilot.CopilotCredential.fingerprint("gho_valid")))
                .extract().asString();
        assertThat(body).doesNotContain("gho_valid").doesNotContain("pw-seeded");
    }

    @Test
    void readyAfterTheFirstCycleEvenWithWorkspacesDown() {
        // the first cycle starts once the HTTP server listens, so it may still be running when the test starts
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200).body(containsString("probe-cycle"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
