package cloud.angryninja.keeper.deploy;

import static cloud.angryninja.keeper.testing.TestCredentials.authJson;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.kube.ExternalSecrets;
import cloud.angryninja.keeper.quota.QuotaStandIn;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.PackagedKeeper;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The dashboard's and the alerts' PromQL against live data. A real Prometheus server (Debian's
 * {@code prometheus}) on loopback scrapes the packaged keeper every second; the keeper probes
 * every second three workspaces:
 * <ul>
 * <li>{@code opencode-flux}: a real OpenCode server with its auth.json, credential valid, in a git
 * repository;</li>
 * <li>{@code opencode-ha}: a real OpenCode server started without auth.json (the pod that lost
 * it): up, provider not loaded, the credential in its Secret valid; its folder is no repository
 * (the pod whose git did not arrive);</li>
 * <li>{@code opencode-gone}: nothing listens at its URL and it has no Secret: down, credential
 * unknown;</li>
 * <li>{@code opencode-next}: a stand-in of OpenCode 2.x's routes ({@code /api/health}): unsupported.</li>
 * </ul>
 * Secrets live in a mock Kubernetes API, the Copilot {@code /models} API is a WireMock stand-in
 * that answers per token; the same stand-in plays GitHub's {@code /copilot_internal/user} (the quota: a paid plan
 * for flux, the free plan for ha); Doppler is a WireMock stand-in that holds flux's and ha's credentials and refuses
 * writes. The expressions are the shipped ones: the dashboard JSON and the
 * PrometheusRule as Flux builds it ({@link Dashboard#allExpressions()}), alerts without their
 * {@code for:}. The test methods run in order: each moves the world one step on.
 */
@Tier.Packaged
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardLiveIT {

    /** The alerts this class drives into firing, each in its step below. */
    static final Set<String> ALERTS_DRIVEN = Set.of("OpencodeCopilotCredentialInvalid", "OpencodeCopilotProviderNotLoaded",
            "OpencodeWorkspaceDown", "OpencodeKeeperProbeStale", "OpencodeKeeperReseedFailed", "OpencodeKeeperDown",
            "OpencodeCopilotNoEntitlement", "OpencodeCopilotNoModels", "OpencodeCopilotRateLimited", "OpencodeWorkspaceUnsupported",
            "OpencodeWorkspaceNoRepository", "OpencodeCopilotPremiumRequestsRunningOut", "OpencodeCopilotPremiumRequestsLow",
            "OpencodeCopilotCredentialDrift");

    static final String FLUX = "opencode-flux";
    static final String HA = "opencode-ha";
    static final String GONE = "opencode-gone";
    static final String NEXT = "opencode-next";
    static final String FLUX_TOKEN = "gho_live_flux";
    static final String HA_TOKEN = "gho_live_ha";
    /** A new credential the Copilot stand-in accepts (the default stub), and one it refuses. */
    static final String RESEED_TOKEN = "gho_live_reseed";
    static final String REFUSED_TOKEN = "gho_live_refused";
    static final UUID FLUX_STUB = UUID.randomUUID();
    /** flux's quota: 250 of 300 premium requests left at first, resetting in 20 days. */
    static final String RESET = Instant.now().plus(Duration.ofDays(20)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    static UUID fluxQuota;
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir
    static Path dir;

    static WireMockServer copilot;
    /** Doppler: its reads answer the workspaces' credentials; its writes are refused (step 20). */
    static WireMockServer doppler;
    /** flux's report token (in its workspace Secret), and a credential of another GitHub account flux reports (step 14). */
    static final String FLUX_REPORT_TOKEN = "live-report-token-flux-0123456789";
    static final String OTHER_ACCOUNT_TOKEN = "gho_live_other_account";
    static WireMockServer openCode2;
    static MockCluster cluster;
    static final List<OpenCodeProcess> openCode = new ArrayList<>();
    static PackagedKeeper keeper;
    static PrometheusServer prometheus;
    static Map<String, String> expressions;
    static Map<String, String> alerts;

    @BeforeAll
    static void startTheWorld() throws Exception {
        expressions = Dashboard.expressions(Dashboard.read());
        alerts = Promtool.shippedAlerts();

        copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
        copilot.stubFor(get(urlEqualTo("/models")).willReturn(models()));
        copilot.stubFor(fluxModels(models()));
        fluxQuota = QuotaStandIn.stub(copilot, FLUX_TOKEN, QuotaStandIn.json(QuotaStandIn.premium(250, 300, RESET)));
        QuotaStandIn.stub(copilot, HA_TOKEN, QuotaStandIn.answer(QuotaStandIn.FREE));

        doppler = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        doppler.start();
        for (Map.Entry<String, String> held : Map.of("OPENCODE_FLUX_COPILOT_AUTH_JSON", authJson(FLUX_TOKEN),
                "OPENCODE_HA_COPILOT_AUTH_JSON", authJson(HA_TOKEN)).entrySet()) {
            doppler.stubFor(get(urlPathEqualTo(DopplerWireMock.READ_PATH)).withQueryParam("name", equalTo(held.getKey()))
                    .willReturn(okJson(JSON.writeValueAsString(Map.of("name", held.getKey(), "value",
                            Map.of("raw", held.getValue(), "computed", held.getValue()))))));
        }
        doppler.stubFor(post(urlPathEqualTo(DopplerWireMock.WRITE_PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"messages\":[\"Secret writes are disabled for this token\"],\"success\":false}")));

        cluster = MockCluster.start();
        cluster.controllerClient().secrets().inNamespace("opencode")
                .resource(MockCluster.secret("opencode", FLUX + "-secret", "KEEPER_REPORT_TOKEN", FLUX_REPORT_TOKEN)).create();
        cluster.controllerClient().secrets().inNamespace("opencode")
                .resource(MockCluster.secret("opencode", FLUX + "-copilot", "COPILOT_AUTH_JSON", authJson(FLUX_TOKEN))).create();
        cluster.controllerClient().secrets().inNamespace("opencode")
                .resource(MockCluster.secret("opencode", HA + "-copilot", "COPILOT_AUTH_JSON", authJson(HA_TOKEN))).create();

        // The two OpenCode servers start side by side (about 4 s each).
        CompletableFuture<OpenCodeProcess> flux = CompletableFuture.supplyAsync(() -> startOpenCode(FLUX, authJson(FLUX_TOKEN)));
        CompletableFuture<OpenCodeProcess> ha = CompletableFuture.supplyAsync(() -> startOpenCode(HA, null));
        openCode.add(flux.join());
        openCode.add(ha.join());

        List<String> props = new ArrayList<>(List.of(
                "-Dkeeper.api.token=live-test", "-Dkeeper.probe.interval=1s", "-Dkeeper.probe.confirm-delay=500ms",
                "-Dkeeper.copilot.api-url=" + copilot.baseUrl(), "-Dkeeper.github.api-url=" + copilot.baseUrl(),
                "-Dkeeper.quota.interval=1s",
                "-Dkeeper.doppler.api-url=" + doppler.baseUrl(), "-Dkeeper.doppler.token=" + DopplerWireMock.TOKEN,
                "-Dkeeper.doppler.project=" + DopplerWireMock.PROJECT, "-Dkeeper.doppler.config=" + DopplerWireMock.CONFIG,
                "-Dkubernetes.master=" + cluster.client().getConfiguration().getMasterUrl(), "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.namespace=opencode"));
        for (OpenCodeProcess p : openCode) {
            String name = p.root().getFileName().toString();
            props.add("-Dkeeper.workspaces." + name + ".url=" + p.baseUri());
            props.add("-Dkeeper.workspaces." + name + ".password=" + p.password());
        }
        props.add("-Dkeeper.workspaces." + GONE + ".url=http://127.0.0.1:" + Loopback.freePort());
        openCode2 = cloud.angryninja.keeper.probe.OpenCode2StandIn.openCode2();
        props.add("-Dkeeper.workspaces." + NEXT + ".url=" + openCode2.baseUrl());
        keeper = PackagedKeeper.start(List.of(), props, dir);
        keeper.awaitReady(WAIT);

        // Labelled as Prometheus Operator labels the ServiceMonitor's target (job = Service name).
        prometheus = PrometheusServer.start(dir, Duration.ofSeconds(1), port -> List.of(new PrometheusServer.Target(
                "opencode-keeper", keeper.hostPort(), "/q/metrics", Map.of("namespace", "opencode"))));
        await("Prometheus scrapes the keeper").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> prometheus.query("up{job=\"opencode-keeper\"} == 1").size() == 1);
    }

    @AfterAll
    static void stopTheWorld() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (keeper != null) {
            keeper.close();
        }
        openCode.forEach(OpenCodeProcess::close);
        if (cluster != null) {
            cluster.close();
        }
        if (copilot != null) {
            copilot.stop();
        }
        if (doppler != null) {
            doppler.stop();
        }
        if (openCode2 != null) {
            openCode2.stop();
        }
    }

    @Test
    @Order(1)
    void everyAlertIsDrivenHere() {
        assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(ALERTS_DRIVEN);
    }

    @Test
    @Order(2)
    void theLivePrometheusAcceptsEveryExpression() {
        Map<String, String> all = Dashboard.allExpressions();
        assertThat(all).hasSizeGreaterThan(15);
        all.forEach((where, expr) -> assertThat(prometheus.query(expr)).as(where).isNotNull());
    }

    @Test
    @Order(3)
    void everyDashboardExpressionOnTheKeepersMetricsReturnsDataForTheHealthyWorkspace() {
        Map<String, String> onKeeperMetrics = new LinkedHashMap<>();
        expressions.forEach((where, expr) -> {
            if (expr.contains("opencode_keeper_")) {
                onKeeperMetrics.put(where, expr);
            }
        });
        assertThat(onKeeperMetrics.keySet()).as("the Workspaces, Probes and Reseeds rows").contains(
                "Workspace up / A", "Copilot provider loaded / A", "Copilot credential / A", "Copilot models / A",
                "Probe duration / A", "Age of the last successful probe / A", "Reseeds by result / A", "Last successful reseed / A",
                "Copilot state / A", "Copilot quota / A", "Copilot quota / B", "Copilot quota / C", "Copilot quota / F");
        onKeeperMetrics.forEach((where, expr) -> await(where + ": " + expr).atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> hasNumberFor(prometheus.query(expr), FLUX)));
        assertThat(workspaces(prometheus.query(expressions.get("Workspace up / A")))).containsExactlyInAnyOrder(FLUX, HA, GONE, NEXT);
        // No reseed yet: every workspace's last success is 0 (the panel maps it to "never"), its counters 0.
        JsonNode lastReseed = prometheus.query(expressions.get("Last successful reseed / A"));
        assertThat(workspaces(lastReseed)).containsExactlyInAnyOrder(FLUX, HA, GONE, NEXT);
        lastReseed.forEach(series -> assertThat(series.path("value").get(1).asText()).isEqualTo("0"));
        // Never a successful probe: ha (no auth.json) and gone (down) draw no line in the age panel, not an age of decades.
        assertThat(workspaces(prometheus.query(expressions.get("Age of the last successful probe / A")))).containsExactly(FLUX);
    }

    @Test
    @Order(4)
    void theProbeStaleAlertsJoinFindsTheKeepersProcessStartTime() {
        assertThat(prometheus.query("process_start_time_seconds{job=\"opencode-keeper\", namespace=\"opencode\"}"))
                .as("process_start_time_seconds of the keeper's target").hasSize(1);
        String stale = alerts.get("OpencodeKeeperProbeStale");
        assertThat(workspaces(prometheus.query(stale))).as("now: the keeper has just started").isEmpty();
        // 200 s ahead, with no newer sample: flux's last success is then older than 3 intervals and
        // the keeper up for longer. ha and gone never had a successful probe (timestamp 0): stale too.
        assertThat(workspaces(prometheus.query(stale, Instant.now().plusSeconds(200)))).containsExactlyInAnyOrder(FLUX, HA, GONE, NEXT);
    }

    @Test
    @Order(5)
    void aWorkspaceUpWithoutItsProviderOrRepositoryAndAWorkspaceDownEachFireTheirAlert() {
        await("OpencodeCopilotProviderNotLoaded").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(alerts.get("OpencodeCopilotProviderNotLoaded"))).equals(Set.of(HA)));
        await("OpencodeWorkspaceDown").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(alerts.get("OpencodeWorkspaceDown"))).equals(Set.of(GONE)));
        // next answers OpenCode 2.x routes: unsupported, and neither "provider not loaded" nor "down".
        await("OpencodeWorkspaceUnsupported").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(alerts.get("OpencodeWorkspaceUnsupported"))).equals(Set.of(NEXT)));
        // ha's folder is no repository to OpenCode; gone (down) and next (2.x: 404) leave the gauge NaN, flux sees its clone.
        await("OpencodeWorkspaceNoRepository").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(alerts.get("OpencodeWorkspaceNoRepository"))).equals(Set.of(HA)));
        assertThat(value(prometheus.query("opencode_keeper_workspace_project_vcs"), FLUX)).isEqualTo(1.0);
        assertThat(value(prometheus.query("opencode_keeper_workspace_project_vcs"), NEXT)).isNaN();
        // The workspace table: one state per workspace, as text.
        Map<String, String> table = new java.util.TreeMap<>();
        for (JsonNode series : prometheus.query(expressions.get("Copilot state / A"))) {
            table.put(series.path("metric").path("workspace").asText(), series.path("metric").path("state").asText());
        }
        assertThat(table).isEqualTo(Map.of(FLUX, "working", HA, "not_loaded", GONE, "down", NEXT, "unsupported"));
        // gone's credential is unknown (no Secret): NaN, never "invalid".
        assertThat(value(prometheus.query(expressions.get("Copilot credential / A")), GONE)).isNaN();
        assertThat(workspaces(prometheus.query(alerts.get("OpencodeCopilotCredentialInvalid")))).isEmpty();
    }

    @Test
    @Order(6)
    void aCopilotOutageLeavesTheCredentialUnknownAndTheAlertQuiet() {
        copilot.editStub(fluxModels(aResponse().withStatus(500)));
        await("flux's credential unknown (NaN) in Prometheus").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> Double.isNaN(value(prometheus.query(expressions.get("Copilot credential / A")), FLUX)));
        assertThat(prometheus.query(alerts.get("OpencodeCopilotCredentialInvalid"))).isEmpty();
        assertThat(prometheus.query("opencode_keeper_copilot_check_errors_total{workspace=\"opencode-flux\", reason=\"server_error\"} > 0"))
                .hasSize(1);
    }

    @Test
    @Order(7)
    void aRevokedCredentialFiresTheAlertForThatWorkspaceOnly() {
        copilot.editStub(fluxModels(aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}")));
        await("OpencodeCopilotCredentialInvalid for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> !prometheus.query(alerts.get("OpencodeCopilotCredentialInvalid")).isEmpty());
        JsonNode firing = prometheus.query(alerts.get("OpencodeCopilotCredentialInvalid"));
        assertThat(firing).hasSize(1);
        assertThat(firing.get(0).path("metric").path("workspace").asText()).isEqualTo(FLUX);
        assertThat(firing.get(0).path("metric").path("job").asText()).isEqualTo("opencode-keeper");
    }

    @Test
    @Order(8)
    void aConfirmed403FiresNoEntitlementInsteadOfCredentialInvalid() {
        copilot.editStub(fluxModels(aResponse().withStatus(403).withBody("{\"message\":\"no Copilot\"}")));
        await("OpencodeCopilotNoEntitlement for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(alerts.get("OpencodeCopilotNoEntitlement"))).equals(Set.of(FLUX)));
        assertThat(prometheus.query(alerts.get("OpencodeCopilotCredentialInvalid"))).as("a reseed cannot fix a 403").isEmpty();
    }

    @Test
    @Order(9)
    void acceptedWithoutPickerModelsFiresNoModels() {
        copilot.editStub(fluxModels(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":false}]}")));
        await("OpencodeCopilotNoModels for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(alerts.get("OpencodeCopilotNoModels"))).equals(Set.of(FLUX)));
        assertThat(value(prometheus.query(expressions.get("Copilot credential / A")), FLUX)).isEqualTo(1.0);
        assertThat(prometheus.query(alerts.get("OpencodeCopilotNoEntitlement"))).isEmpty();
    }

    @Test
    @Order(10)
    void aUsersRequestRefusedWith429FiresRateLimited() throws Exception {
        copilot.editStub(fluxModels(models()));
        for (String path : new String[] {"/responses", "/chat/completions"}) {
            copilot.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(path)).willReturn(aResponse().withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader(cloud.angryninja.keeper.events.PromptWorkspacesResource.RETRY_AFTER_MS,
                            cloud.angryninja.keeper.events.PromptWorkspacesResource.RETRY_AFTER_MS_VALUE)
                    .withBody("{\"error\":{\"message\":\"Sorry, you have been rate-limited.\",\"code\":\"user_weekly_rate_limited\"}}")));
        }
        await("flux working again").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> prometheus.query(alerts.get("OpencodeCopilotNoModels")).isEmpty());
        OpenCodeProcess flux = openCode.get(0);
        String basic = cloud.angryninja.keeper.opencode.OpenCodeClient.basicAuth("opencode", flux.password());
        // not closed here: close() would wait for the prompt, which OpenCode answers only after its retries
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> session = http.send(HttpRequest.newBuilder(flux.baseUri().resolve("/session")).timeout(WAIT)
                .header("Authorization", basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(session.body()).path("id").asText();
        // OpenCode retries a 429 five times (50 ms apart here, as retry-after-ms says) before it reports it
        http.sendAsync(HttpRequest.newBuilder(flux.baseUri().resolve("/session/" + id + "/message")).timeout(Duration.ofMinutes(4))
                .header("Authorization", basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"},"
                        + "\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        await("OpencodeCopilotRateLimited for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> workspaces(prometheus.query(alerts.get("OpencodeCopilotRateLimited"))).equals(Set.of(FLUX)));
        assertThat(prometheus.query("opencode_keeper_copilot_auth_errors_total{workspace=\"opencode-flux\", status=\"429\"} > 0"))
                .hasSize(1);
    }

    @Test
    @Order(11)
    void theQuotaPanelShowsEachWorkspacesPlanPremiumRequestsAndReset() {
        Map<String, String> plans = new java.util.TreeMap<>();
        await("the plans in the quota table").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            plans.clear();
            for (JsonNode series : prometheus.query(expressions.get("Copilot quota / A"))) {
                plans.put(series.path("metric").path("workspace").asText(), series.path("metric").path("plan").asText());
            }
            return plans.size() == 2;
        });
        assertThat(plans).as("gone has no Secret, next no credential it may ask with").isEqualTo(Map.of(FLUX, "business", HA, "free"));
        assertThat(value(prometheus.query(expressions.get("Copilot quota / C")), FLUX)).isEqualTo(300.0);
        assertThat(value(prometheus.query(expressions.get("Copilot quota / F")), FLUX)).isEqualTo(Instant.parse(RESET).toEpochMilli());
        assertThat(value(prometheus.query(expressions.get("Copilot quota / F")), HA)).isEqualTo(Instant.parse("2027-01-18T00:00:00Z").toEpochMilli());
        assertThat(workspaces(prometheus.query(expressions.get("Copilot quota / B")))).as("the free plan has no premium quota")
                .containsExactly(FLUX);
        assertThat(prometheus.query("opencode_keeper_copilot_quota_remaining{workspace=\"opencode-ha\", quota=\"chat\"}")).hasSize(1);
    }

    @Test
    @Order(12)
    void premiumRequestsUsedFasterThanTheyLastFireRunningOutThenFewLeftFiresLow() {
        String runningOut = alerts.get("OpencodeCopilotPremiumRequestsRunningOut");
        String low = alerts.get("OpencodeCopilotPremiumRequestsLow");
        assertThat(prometheus.query(low)).as("250 of 300 left").isEmpty();
        // 10 premium requests a step, each step seen by Prometheus: at that rate 240 last minutes, the reset is 20 days away
        for (int left = 240; left >= 200; left -= 10) {
            fluxQuotaAnswers(QuotaStandIn.json(QuotaStandIn.premium(left, 300, RESET)));
            double expected = left;
            await(left + " left in Prometheus").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                    .until(() -> hasValue(prometheus.query(expressions.get("Copilot quota / B")), FLUX, expected));
        }
        await("OpencodeCopilotPremiumRequestsRunningOut for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(runningOut)).equals(Set.of(FLUX)));
        assertThat(prometheus.query(low)).as("200 of 300 left").isEmpty();

        fluxQuotaAnswers(QuotaStandIn.json(QuotaStandIn.premium(20, 300, RESET)));
        await("OpencodeCopilotPremiumRequestsLow for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> workspaces(prometheus.query(low)).equals(Set.of(FLUX)));
        assertThat(prometheus.query(low).get(0).path("metric").path("quota").asText()).isEqualTo("premium_interactions");
        assertThat(value(prometheus.query(expressions.get("Copilot quota / D")), FLUX)).isCloseTo(20.0 / 300, org.assertj.core.data.Offset.offset(1e-9));

        fluxQuotaAnswers(QuotaStandIn.answer(QuotaStandIn.UNLIMITED));
        await("an unlimited quota silences both").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> prometheus.query(low).isEmpty() && prometheus.query(runningOut).isEmpty());
    }

    @Test
    @Order(13)
    void aQuotaEndpointThatFailsLeavesTheQuotaAbsentAndTheVerdictAsItWas() {
        fluxQuotaAnswers(aResponse().withStatus(429).withHeader("Retry-After", "60"));
        // The keeper removes a workspace's quota series one by one, and a scrape can fall between two removals: wait for
        // a scrape without any of them, then the panel shows no number (not a zero).
        await("flux's quota gone from Prometheus, and no number on the panel, not a zero").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> prometheus.query("opencode_keeper_copilot_quota_plan_info{workspace=\"opencode-flux\"}").isEmpty()
                        && prometheus.query(expressions.get("Copilot quota / C")).isEmpty());
        assertThat(value(prometheus.query(expressions.get("Copilot credential / A")), FLUX)).isEqualTo(1.0);
        assertThat(prometheus.query("opencode_keeper_copilot_state{workspace=\"opencode-flux\", state=~\"working|rate_limited\"} == 1"))
                .as("the verdict is the probe's").hasSize(1);
        fluxQuotaAnswers(QuotaStandIn.json(QuotaStandIn.premium(200, 300, RESET)));
    }

    private static void fluxQuotaAnswers(ResponseDefinitionBuilder answer) {
        copilot.editStub(QuotaStandIn.forToken(FLUX_TOKEN).withId(fluxQuota).willReturn(answer));
    }

    /**
     * flux reports (as its sidecar does) a credential of another GitHub account than any on record: Copilot accepts it,
     * the keeper probes it, but does not adopt it without a person's confirmation, so flux holds another credential than
     * Doppler's and CredentialDrift fires for flux alone; ha holds Doppler's.
     */
    @Test
    @Order(14)
    void aWorkspaceHoldingAnotherCredentialThanDopplerFiresDrift() throws Exception {
        String drift = alerts.get("OpencodeCopilotCredentialDrift");
        await("Doppler's credentials read, no drift").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> hasValue(prometheus.query("opencode_keeper_credential_drift"), FLUX, 0)
                        && hasValue(prometheus.query("opencode_keeper_credential_drift"), HA, 0));
        assertThat(prometheus.query(drift)).as("while every workspace holds Doppler's credential").isEmpty();
        copilot.stubFor(get(urlEqualTo("/user")).withHeader("Authorization", equalTo("token " + OTHER_ACCOUNT_TOKEN))
                .willReturn(okJson("{\"login\":\"someone-else\",\"id\":4242}")));

        HttpRequest report = HttpRequest.newBuilder(keeper.uri("/workspaces/" + FLUX + "/credential")).timeout(WAIT)
                .header("Authorization", "Bearer " + FLUX_REPORT_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(authJson(OTHER_ACCOUNT_TOKEN))).build();
        HttpResponse<String> reply;
        try (HttpClient http = HttpClient.newHttpClient()) {
            reply = http.send(report, HttpResponse.BodyHandlers.ofString());
        }
        assertThat(reply.statusCode()).as(reply.body()).isBetween(200, 299);
        assertThat(reply.body()).doesNotContain(OTHER_ACCOUNT_TOKEN);

        await("CredentialDrift for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> !prometheus.query(drift).isEmpty());
        assertThat(workspaces(prometheus.query(drift))).containsExactly(FLUX);
        assertThat(doppler.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlPathEqualTo(DopplerWireMock.WRITE_PATH)))).as("no adoption without a confirmation").isEmpty();
    }

    @Test
    @Order(20)
    void aFailedReseedFiresReseedFailedForItsWorkspaceAndARejectedOneDoesNot() throws Exception {
        String failed = alerts.get("OpencodeKeeperReseedFailed");
        assertThat(prometheus.query(failed)).as("before any reseed").isEmpty();
        // flux can take a reseed (ExternalSecret and Deployment in place), the Copilot stand-in accepts the new
        // credential, and Doppler refuses the write: the reseed stops at the Doppler step (502, "failure").
        KubernetesClient setup = cluster.controllerClient();
        setup.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace("opencode").resource(MockCluster.externalSecret(
                "opencode", FLUX + "-copilot", FLUX + "-copilot", "COPILOT_AUTH_JSON", "OPENCODE_FLUX_COPILOT_AUTH_JSON", "Periodic")).create();
        setup.apps().deployments().inNamespace("opencode").resource(MockCluster.deployment("opencode", FLUX, FLUX + "-copilot", false))
                .create();
        HttpResponse<String> reply = reseed(FLUX, RESEED_TOKEN);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(502);
        assertThat(reply.body()).contains("Doppler", "\"result\":\"failure\"");

        await("OpencodeKeeperReseedFailed for opencode-flux").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> !prometheus.query(failed).isEmpty());
        JsonNode firing = prometheus.query(failed);
        assertThat(firing).hasSize(1);
        assertThat(firing.get(0).path("metric").path("workspace").asText()).isEqualTo(FLUX);
        assertThat(firing.get(0).path("metric").path("result").asText()).isEqualTo("failure");
        await("the Reseeds panel shows it").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (JsonNode series : prometheus.query(expressions.get("Reseeds by result / A"))) {
                if (FLUX.equals(series.path("metric").path("workspace").asText())
                        && "failure".equals(series.path("metric").path("result").asText())) {
                    return Double.parseDouble(series.path("value").get(1).asText()) > 0;
                }
            }
            return false;
        });

        // ha: Copilot refuses the credential (401) before anything changes: "rejected", which is no failure of the keeper.
        copilot.stubFor(get(urlEqualTo("/models")).atPriority(1).withHeader("Authorization", equalTo("Bearer " + REFUSED_TOKEN))
                .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials\"}")));
        reply = reseed(HA, REFUSED_TOKEN);
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(422);
        await("ha's rejected reseed scraped").atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> !prometheus.query(
                "opencode_keeper_reseed_total{workspace=\"opencode-ha\", result=\"rejected\"} == 1").isEmpty());
        assertThat(workspaces(prometheus.query(failed))).containsExactly(FLUX);
    }

    @Test
    @Order(21)
    void aKeeperThatStopsAnsweringFiresKeeperDown() {
        String down = alerts.get("OpencodeKeeperDown");
        assertThat(prometheus.query(down)).as("while the keeper is scraped").isEmpty();
        keeper.close();
        await("OpencodeKeeperDown").atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> prometheus.query(down).size() == 1);
        JsonNode firing = prometheus.query(down).get(0);
        assertThat(firing.path("metric").path("job").asText()).isEqualTo("opencode-keeper");
        assertThat(firing.path("value").get(1).asText()).isEqualTo("0");
    }

    private static HttpResponse<String> reseed(String workspace, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(keeper.uri("/reseed?workspace=" + workspace)).timeout(WAIT)
                .header("Authorization", "Bearer live-test").POST(HttpRequest.BodyPublishers.ofString(authJson(token))).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static OpenCodeProcess startOpenCode(String name, String authJson) {
        OpenCodeProcess.Options options = OpenCodeProcess.Options.of(dir.resolve(name), "pw-" + name).withCopilotBaseUrl(copilot.baseUrl());
        try {
            // a workspace with its auth.json is a clone too; the one without stands for a pod whose provisioning broke
            return OpenCodeProcess.start(authJson == null ? options : options.withAuthJson(authJson).withGitRepository(), Duration.ofSeconds(90));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static com.github.tomakehurst.wiremock.client.MappingBuilder fluxModels(ResponseDefinitionBuilder response) {
        return get(urlEqualTo("/models")).withId(FLUX_STUB).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer " + FLUX_TOKEN)).willReturn(response);
    }

    private static ResponseDefinitionBuilder models() {
        return aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":true},{\"id\":\"claude-sonnet-4\",\"model_picker_enabled\":true}]}");
    }

    /** The {@code workspace} labels of a query result. */
    private static Set<String> workspaces(JsonNode result) {
        Set<String> names = new TreeSet<>();
        result.forEach(series -> names.add(series.path("metric").path("workspace").asText()));
        return names;
    }

    /** The value of {@code workspace}'s series in a result; throws when there is none. */
    private static double value(JsonNode result, String workspace) {
        for (JsonNode series : result) {
            if (workspace.equals(series.path("metric").path("workspace").asText())) {
                return Double.parseDouble(series.path("value").get(1).asText());
            }
        }
        throw new AssertionError("no series for " + workspace + " in " + result);
    }

    private static boolean hasValue(JsonNode result, String workspace, double expected) {
        for (JsonNode series : result) {
            if (workspace.equals(series.path("metric").path("workspace").asText())) {
                return Double.parseDouble(series.path("value").get(1).asText()) == expected;
            }
        }
        return false;
    }

    private static boolean hasNumberFor(JsonNode result, String workspace) {
        for (JsonNode series : result) {
            if (workspace.equals(series.path("metric").path("workspace").asText())) {
                return !Double.isNaN(Double.parseDouble(series.path("value").get(1).asText()));
            }
        }
        return false;
    }
}
