package cloud.angryninja.keeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.SecretBuilder;

import cloud.angryninja.keeper.api.ApiConfig;
import cloud.angryninja.keeper.api.ReportTokens.Verdict;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/** Who may report a workspace's credential, its token read from the workspace's Secret on a mock Kubernetes API. */
@Tier.Unit
class ReportTokensTest {

    static final String API_TOKEN = "api-token-0123456789abcdef";
    static final String ALPHA = "rpt_alpha0123456789abcdef";
    static final String BETA = "rpt_beta0123456789abcdefg";

    MockCluster cluster;
    final Workspace alpha = TestWorkspaces.named("alpha", "http://127.0.0.1:1");
    final Workspace beta = TestWorkspaces.named("beta", "http://127.0.0.1:2");
    Instant now = Instant.parse("2026-12-07T10:00:00Z");

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    ReportTokens tokens() {
        ApiConfig api = () -> API_TOKEN;
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new ReportTokens(new Workspaces(List.of(alpha, beta)), cluster.client(), () -> api, Duration.ofSeconds(5), clock);
    }

    void token(Workspace w, String token) {
        cluster.controllerClient().secrets().inNamespace(w.namespace()).resource(new SecretBuilder().withNewMetadata()
                .withName(w.reportTokenSecret()).withNamespace(w.namespace()).endMetadata()
                .withData(Map.of(w.reportTokenKey(), Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
                .build()).createOr(existing -> existing.update());
    }

    @Test
    void theWorkspacesOwnTokenReportsForItAnotherWorkspacesIsForbiddenAnyOtherUnauthorized() {
        token(alpha, ALPHA + "\n");
        token(beta, BETA);
        ReportTokens tokens = tokens();

        assertThat(tokens.authorise("alpha", "Bearer " + ALPHA)).isEqualTo(Verdict.ACCEPTED);
        assertThat(tokens.authorise("alpha", "bearer  " + ALPHA + " ")).as("scheme case and blanks").isEqualTo(Verdict.ACCEPTED);
        assertThat(tokens.authorise("alpha", "Bearer " + BETA)).isEqualTo(Verdict.FORBIDDEN);
        assertThat(tokens.authorise("gamma", "Bearer " + BETA)).as("a workspace that is not").isEqualTo(Verdict.FORBIDDEN);
        assertThat(tokens.authorise("alpha", "Bearer " + ALPHA + "x")).isEqualTo(Verdict.UNAUTHORIZED);
        assertThat(tokens.authorise("alpha", "Bearer " + API_TOKEN)).isEqualTo(Verdict.UNAUTHORIZED);
        assertThat(tokens.authorise("alpha", null)).isEqualTo(Verdict.UNAUTHORIZED);
        assertThat(tokens.authorise("alpha", "Basic " + ALPHA)).isEqualTo(Verdict.UNAUTHORIZED);
    }

    @Test
    void aShortTokenOrTheApiTokenIsNoReportTokenAndSaysSoOnceWithoutTheToken() {
        token(alpha, "short");
        token(beta, API_TOKEN);
        try (LogCapture logs = LogCapture.start()) {
            ReportTokens tokens = tokens();
            assertThat(tokens.authorise("alpha", "Bearer short")).isEqualTo(Verdict.UNAUTHORIZED);
            assertThat(tokens.authorise("beta", "Bearer " + API_TOKEN)).isEqualTo(Verdict.UNAUTHORIZED);
            now = now.plus(ReportTokens.CACHE);
            assertThat(tokens.authorise("beta", "Bearer " + API_TOKEN)).isEqualTo(Verdict.UNAUTHORIZED);

            assertThat(logs.linesContaining("shorter than 16 characters")).hasSize(1);
            assertThat(logs.linesContaining("is the keeper's API token: not taken")).as("once").hasSize(1);
            assertThat(logs.lines()).noneMatch(l -> l.contains(API_TOKEN) || l.contains("short "));
        }
    }

    @Test
    void aTokenIsReadAgainOnceItsCacheTimePassed() {
        token(alpha, ALPHA);
        ReportTokens tokens = tokens();
        assertThat(tokens.authorise("alpha", "Bearer " + ALPHA)).isEqualTo(Verdict.ACCEPTED);

        token(alpha, ALPHA + "-rotated");
        assertThat(tokens.authorise("alpha", "Bearer " + ALPHA)).as("cached").isEqualTo(Verdict.ACCEPTED);
        now = now.plus(ReportTokens.CACHE);
        assertThat(tokens.authorise("alpha", "Bearer " + ALPHA)).isEqualTo(Verdict.UNAUTHORIZED);
        assertThat(tokens.authorise("alpha", "Bearer " + ALPHA + "-rotated")).isEqualTo(Verdict.ACCEPTED);
    }

    @Test
    void noSecretIsUnauthorizedAnUnreadableOneUnavailable() {
        ReportTokens tokens = tokens();
        assertThat(tokens.authorise("alpha", "Bearer " + ALPHA)).as("no Secret").isEqualTo(Verdict.UNAUTHORIZED);

        cluster.close(); // the Kubernetes API is gone
        assertThat(tokens().authorise("alpha", "Bearer " + ALPHA)).isEqualTo(Verdict.UNAVAILABLE);
    }
}
