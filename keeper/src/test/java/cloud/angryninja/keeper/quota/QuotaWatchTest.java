package cloud.angryninja.keeper.quota;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.probe.CredentialProbed;
import cloud.angryninja.keeper.probe.ProbeResult.Outcome;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/**
 * When the quota is asked for and what the workspaces then show: one call per credential per interval, shared by the
 * workspaces using it, none for a refused credential; a failure leaves the series absent and is logged once per change.
 * A WireMock GitHub API answers; the clock and the thread of each call are the test's.
 */
/*
 * @QuarkusTest: the REST clients are built by the Quarkus application (their implementations are generated at build
 * time); the test resource is the one shared by the tests that need no workspace of the application's own.
 */
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class QuotaWatchTest extends QuotaStandInTest {

    static final String TOKEN = "gho_QuotaWatchCANARY";
    static final String OTHER = "gho_QuotaWatchOther";
    static final Duration INTERVAL = Duration.ofMinutes(5);


    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final QuotaMetrics metrics = new QuotaMetrics(registry);
    final MovableClock clock = new MovableClock();
    /** Calls waiting to run: a test runs them when it wants the answer. */
    final List<Runnable> waiting = new ArrayList<>();
    QuotaClient client;

    @BeforeEach
    void setUp() {
        github.resetAll();
        client = QuotaStandIn.client(github, "", Duration.ofSeconds(1));
        QuotaStandIn.stub(github, TOKEN, QuotaStandIn.answer(QuotaStandIn.PAID));
        QuotaStandIn.stub(github, OTHER, QuotaStandIn.answer(QuotaStandIn.FREE));
    }

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-14T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Calls run at once, on the probe's thread. */
    private QuotaWatch watch() {
        return new QuotaWatch(client, metrics, true, INTERVAL, clock, Runnable::run);
    }

    /** Calls wait in {@link #waiting} until the test runs them. */
    private QuotaWatch watchWithCallsHeld() {
        Executor held = waiting::add;
        return new QuotaWatch(client, metrics, true, INTERVAL, clock, held);
    }

    private static CredentialProbed probed(String workspace, String token, Outcome outcome) {
        return new CredentialProbed(workspace, Optional.of(new CopilotCredential(token, Optional.empty())), outcome);
    }

    private Optional<Double> series(String name, String workspace, String... tags) {
        Gauge g = registry.find(name).tag("workspace", workspace).tags(tags).gauge();
        return g == null ? Optional.empty() : Optional.of(g.value());
    }

    private Optional<Double> premiumLeft(String workspace) {
        return series(QuotaMetrics.REMAINING, workspace, "quota", "premium_interactions");
    }

    @Test
    void twoWorkspacesSharingACredentialShareOneCall() {
        QuotaWatch watch = watchWithCallsHeld();

        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        watch.probed(probed("opencode-ha", TOKEN, Outcome.PASS));

        assertThat(waiting).as("one call for the credential, while it runs the other workspace waits for it").hasSize(1);
        assertThat(watch.idle()).isFalse();
        assertThat(watch.view("opencode-ha").status()).isEqualTo(QuotaView.Status.PENDING);
        waiting.remove(0).run();
        assertThat(watch.idle()).isTrue();
        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(1);
        assertThat(premiumLeft("opencode-flux")).contains(213.0);
        assertThat(premiumLeft("opencode-ha")).contains(213.0);

        watch.probed(probed("opencode-ha", TOKEN, Outcome.PASS));
        assertThat(waiting).as("the next probe within the interval asks nothing").isEmpty();
    }

    @Test
    void aWorkspaceWhoseCredentialChangedShowsNothingUntilTheNewOneAnswers() {
        QuotaWatch watch = watchWithCallsHeld();
        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        waiting.remove(0).run();
        assertThat(premiumLeft("opencode-flux")).contains(213.0);

        watch.probed(probed("opencode-flux", OTHER, Outcome.PASS));

        assertThat(registry.find("opencode_keeper_copilot_quota_plan").tag("workspace", "opencode-flux").meters())
                .as("the old credential's plan is not the new one's").isEmpty();
        assertThat(premiumLeft("opencode-flux")).isEmpty();
        waiting.remove(0).run();
        assertThat(series("opencode_keeper_copilot_quota_plan", "opencode-flux", "plan", "free")).contains(1.0);
    }

    @Test
    void noSecondCallWithinTheIntervalThenOneAfterIt() {
        QuotaWatch watch = watch();

        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        clock.now = clock.now.plus(INTERVAL).minusSeconds(1);
        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        watch.probed(probed("opencode-flux", TOKEN, Outcome.UNKNOWN));
        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(1);

        clock.now = clock.now.plusSeconds(1);
        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(2);
    }

    @Test
    void aRefusedCredentialIsNeverAskedWithAndItsSeriesGo() {
        QuotaWatch watch = watch();

        watch.probed(probed("opencode-flux", TOKEN, Outcome.FAIL));
        assertThat(QuotaStandIn.calls(github, TOKEN)).isZero();
        assertThat(watch.view("opencode-flux").status()).isEqualTo(QuotaView.Status.NOT_ASKED);
        assertThat(watch.view("opencode-flux").reason()).contains("refuses the credential");

        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        assertThat(premiumLeft("opencode-flux")).contains(213.0);
        clock.now = clock.now.plus(INTERVAL.multipliedBy(3));
        watch.probed(probed("opencode-flux", TOKEN, Outcome.FAIL));
        assertThat(QuotaStandIn.calls(github, TOKEN)).as("only the call while it was accepted").isEqualTo(1);
        for (String name : QuotaMetrics.NAMES) {
            assertThat(registry.find(name.replace("_timestamp_seconds", "_timestamp").replace("_info", ""))
                    .tag("workspace", "opencode-flux").meters()).as(name).isEmpty();
        }
        watch.probed(new CredentialProbed("opencode-flux", Optional.empty(), Outcome.FAIL));
        assertThat(watch.view("opencode-flux").reason()).isEqualTo("no usable credential in the workspace Secret");
        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(1);
    }

    @Test
    void aCredentialTheCopilotApiDidNotAnswerForIsStillAsked() {
        QuotaWatch watch = watch();

        watch.probed(probed("opencode-flux", TOKEN, Outcome.UNKNOWN));

        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(1);
        assertThat(premiumLeft("opencode-flux")).contains(213.0);
    }

    @Test
    void aNewCredentialIsAskedAtOnce() {
        QuotaWatch watch = watch();

        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        watch.probed(probed("opencode-flux", OTHER, Outcome.PASS));

        assertThat(QuotaStandIn.calls(github, OTHER)).isEqualTo(1);
        assertThat(premiumLeft("opencode-flux")).as("the free plan's answer has no premium quota").isEmpty();
        assertThat(series(QuotaMetrics.REMAINING, "opencode-flux", "quota", "chat")).contains(41.0);
        assertThat(series(QuotaMetrics.ENTITLEMENT, "opencode-flux", "quota", "completions")).contains(2000.0);
        assertThat(series("opencode_keeper_copilot_quota_plan", "opencode-flux", "plan", "free")).contains(1.0);
        assertThat(registry.find("opencode_keeper_copilot_quota_plan").tag("plan", "business").gauge())
                .as("the old plan's series is gone").isNull();
    }

    @Test
    void aCredentialThatComesBackWithinTheIntervalIsNotAskedAgain() {
        QuotaWatch watch = watch();

        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        watch.probed(probed("opencode-flux", OTHER, Outcome.PASS));
        clock.now = clock.now.plus(INTERVAL).minusSeconds(1);
        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));

        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(1);
        assertThat(premiumLeft("opencode-flux")).as("its last answer is shown again").contains(213.0);
        clock.now = clock.now.plusSeconds(1);
        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(2);
    }

    @Test
    void everyValueOfAPaidAnswerHasItsSeries() {
        QuotaWatch watch = watch();

        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));

        assertThat(series(QuotaMetrics.ENTITLEMENT, "opencode-flux", "quota", "premium_interactions")).contains(300.0);
        assertThat(series(QuotaMetrics.UNLIMITED, "opencode-flux", "quota", "premium_interactions")).contains(0.0);
        assertThat(series(QuotaMetrics.UNLIMITED, "opencode-flux", "quota", "chat")).contains(1.0);
        assertThat(series("opencode_keeper_copilot_quota_reset_timestamp", "opencode-flux"))
                .contains((double) Instant.parse("2027-01-01T00:00:00Z").getEpochSecond());
        assertThat(series("opencode_keeper_copilot_quota_plan", "opencode-flux", "plan", "business")).contains(1.0);
        QuotaView view = watch.view("opencode-flux");
        assertThat(view.status()).isEqualTo(QuotaView.Status.KNOWN);
        assertThat(view.account()).contains("octo-worker");
        assertThat(view.plan()).contains("business");
        assertThat(view.premiumRemaining()).contains(213L);
        assertThat(view.premiumEntitlement()).contains(300L);
        assertThat(view.resetsAt()).contains(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void failuresLeaveTheSeriesAbsentAndAreLoggedOncePerChange() {
        QuotaWatch watch = watch();
        java.util.UUID stub = QuotaStandIn.stub(github, TOKEN, aResponse().withStatus(404));
        List<String> lines;
        try (LogCapture log = LogCapture.start()) {
            watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
            assertThat(premiumLeft("opencode-flux")).isEmpty();
            assertThat(watch.view("opencode-flux").status()).isEqualTo(QuotaView.Status.UNKNOWN);
            assertThat(watch.view("opencode-flux").reason()).startsWith("HTTP 404 from " + host() + "/copilot_internal/user");
            clock.now = clock.now.plus(INTERVAL);
            watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS)); // 404 again: nothing new to say

            github.editStub(QuotaStandIn.forToken(TOKEN).withId(stub).willReturn(aResponse().withStatus(429)));
            clock.now = clock.now.plus(INTERVAL);
            watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));

            github.editStub(QuotaStandIn.forToken(TOKEN).withId(stub).willReturn(QuotaStandIn.answer(QuotaStandIn.PAID)));
            clock.now = clock.now.plus(INTERVAL);
            watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
            assertThat(premiumLeft("opencode-flux")).contains(213.0);
            github.editStub(QuotaStandIn.forToken(TOKEN).withId(stub).willReturn(QuotaStandIn.json(QuotaStandIn.premium(200, 300,
                    "2027-01-01T00:00:00.000Z"))));
            clock.now = clock.now.plus(INTERVAL);
            watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS)); // fewer left, same outcome: no line
            assertThat(premiumLeft("opencode-flux")).contains(200.0);

            github.editStub(QuotaStandIn.forToken(TOKEN).withId(stub).willReturn(QuotaStandIn.answer(QuotaStandIn.UNKNOWN_SHAPE)));
            clock.now = clock.now.plus(INTERVAL);
            watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));
            assertThat(premiumLeft("opencode-flux")).isEmpty();
            lines = log.linesContaining("Copilot quota");
            log.closeAndAssertNoLineHolds(TOKEN, "CANARY");
        }
        assertThat(QuotaStandIn.calls(github, TOKEN)).isEqualTo(6);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("WARN", "credential " + CopilotCredential.fingerprint(TOKEN),
                "Copilot quota unknown, its series stay absent: HTTP 404");
        assertThat(lines.get(1)).contains("WARN", "HTTP 429 from " + host() + "/copilot_internal/user: GitHub's rate limit");
        assertThat(lines.get(2)).contains("INFO", "Copilot quota read (account octo-worker, plan business, premium requests 213 of 300 left,"
                + " resets 2027-01-01T00:00:00Z)");
        assertThat(lines.get(3)).contains("WARN", "HTTP 200 from " + host() + "/copilot_internal/user without a quota field");
    }

    @Test
    void aReplicaThatStopsLeadingForgetsEveryQuota() {
        QuotaWatch watch = watch();
        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));

        watch.onLeadership(new Leadership.LeadershipChange(false));

        assertThat(premiumLeft("opencode-flux")).isEmpty();
        assertThat(watch.view("opencode-flux").status()).isEqualTo(QuotaView.Status.PENDING);
    }

    @Test
    void offAsksNothing() {
        QuotaWatch watch = new QuotaWatch(client, metrics, false, INTERVAL, clock, Runnable::run);

        watch.probed(probed("opencode-flux", TOKEN, Outcome.PASS));

        assertThat(QuotaStandIn.calls(github, TOKEN)).isZero();
        assertThat(watch.view("opencode-flux").status()).isEqualTo(QuotaView.Status.NOT_ASKED);
    }
}
