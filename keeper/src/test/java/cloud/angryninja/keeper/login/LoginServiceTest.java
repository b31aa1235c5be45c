package cloud.angryninja.keeper.login;

import static cloud.angryninja.keeper.reseed.ReseedFixture.NEW_TOKEN;
import static cloud.angryninja.keeper.reseed.ReseedFixture.OLD_TOKEN;
import static cloud.angryninja.keeper.testing.TestCredentials.authJson;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.reseed.ReseedFixture;
import cloud.angryninja.keeper.reseed.ReseedReply;
import cloud.angryninja.keeper.reseed.ReseedWorkflow;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * Logins against a WireMock GitHub (pending, slow_down, expired, denied, other errors, success; a GitHub Enterprise
 * domain on a second WireMock), each success followed by the real reseed workflow on the stand-ins of
 * {@link ReseedFixture}: the state, the reseed reply, what changed in Doppler and the cluster (nothing, when the
 * login did not end with a credential), the polls GitHub saw and their spacing, the metric, and no secret in any log
 * line or reply.
 */
/*
 * @QuarkusTest: the REST clients are built by the Quarkus application (their implementations are generated at build
 * time); the test resource is the one shared by the tests that need no workspace of the application's own.
 */
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class LoginServiceTest {

    static final String NS = "opencode";
    static final String OLD = authJson(OLD_TOKEN);
    static final Duration MARGIN = Duration.ofMillis(50);
    static final Duration SLOW_DOWN = Duration.ofMillis(400);

    ReseedFixture f;
    WireMockServer github;
    Workspace flux;
    Workspace ha;
    ReseedWorkflow workflow;
    LoginMetrics metrics;
    LogCapture logs;

    @BeforeEach
    void start() {
        f = new ReseedFixture(NS);
        github = GitHubWireMock.started();
        flux = f.workspace("opencode-flux");
        ha = f.workspace("opencode-ha");
        f.create(flux, OLD, false, "Periodic");
        f.create(ha, OLD, true, "Periodic");
        workflow = f.workflow(List.of(flux, ha));
        metrics = new LoginMetrics(f.registry);
        f.cluster.calls().clear();
        logs = LogCapture.start();
    }

    /** Every service a test made: stopped after it, so no login polls on into the next test. */
    private final List<LoginService> services = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        services.forEach(LoginService::stop);
        logs.closeAndAssertNoLineHolds(NEW_TOKEN, OLD_TOKEN, GitHubWireMock.DEVICE_CODE);
        github.stop();
        f.close();
    }

    LoginService service() {
        return service(workflow);
    }

    LoginService service(ReseedWorkflow w) {
        DeviceFlowClient client = new DeviceFlowClient("Ov23li8tweQw6odWQebz", "read:user",
                Duration.ofSeconds(3), "opencode-keeper/test");
        LoginService service = new LoginService(client, w, new cloud.angryninja.keeper.workspace.Workspaces(List.of(flux, ha)), metrics,
                URI.create(github.baseUrl()), "http", MARGIN, SLOW_DOWN, Clock.systemUTC());
        service.onLeadership(new Leadership.LeadershipChange(true));
        services.add(service);
        return service;
    }

    static LoginService.LoginRequest request(String... workspaces) {
        return new LoginService.LoginRequest(List.of(workspaces), null, null, null);
    }

    LoginReply awaitEnd(LoginService s, LoginReply started) {
        String id = started.login().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> !s.get(id).orElseThrow().state().equals("pending")
                && !s.get(id).orElseThrow().state().equals("reseeding"));
        return s.get(id).orElseThrow();
    }

    double total(LoginResult r) {
        return f.registry.get("opencode_keeper_login").tag("result", r.label()).counter().count();
    }

    String secretValue(Workspace w) {
        return new String(Base64.getDecoder().decode(f.cluster.controllerClient().secrets().inNamespace(NS).withName(w.secret()).get()
                .getData().get(w.secretKey())), StandardCharsets.UTF_8);
    }

    void assertNothingChanged() {
        assertThat(f.doppler.writes()).as("Doppler writes").isEmpty();
        assertThat(f.cluster.calls().keeperCalls("patch", "externalsecrets")).as("force syncs").isEmpty();
        assertThat(f.controller.rollouts(NS, flux.deployment()) + f.controller.rollouts(NS, ha.deployment())).as("rollouts").isZero();
        assertThat(secretValue(flux)).isEqualTo(OLD);
        assertThat(secretValue(ha)).isEqualTo(OLD);
    }

    static void assertNoSecret(LoginReply reply) {
        assertThat(reply.toString()).doesNotContain(GitHubWireMock.DEVICE_CODE).doesNotContain(NEW_TOKEN);
        assertThat(reply.toText()).doesNotContain(GitHubWireMock.DEVICE_CODE).doesNotContain(NEW_TOKEN);
    }

    // --- success ------------------------------------------------------------------------------------------------

    @Test
    void pendingThenSlowDownThenTheTokenReseedsEveryWorkspaceWithIt() {
        GitHubWireMock.deviceCode(github, 0, 900);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.pending(), GitHubWireMock.slowDown(), GitHubWireMock.pending(),
                GitHubWireMock.token(NEW_TOKEN));
        LoginService s = service();

        LoginReply started = s.start(request());

        assertThat(started.status()).as(started.message()).isEqualTo(202);
        assertThat(started.state()).isEqualTo("pending");
        assertThat(started.userCode()).contains(GitHubWireMock.USER_CODE);
        assertThat(started.verificationUri()).contains("https://github.com/login/device");
        assertThat(started.expiresIn().orElseThrow()).isBetween(890L, 900L);
        assertThat(started.workspaces()).containsExactly("opencode-flux", "opencode-ha");
        assertThat(started.toText()).contains("user_code: " + GitHubWireMock.USER_CODE + "\n").contains("state: pending\n");
        assertNoSecret(started);

        LoginReply done = awaitEnd(s, started);

        assertThat(done.state()).as(done.message()).isEqualTo("done");
        ReseedReply reseed = done.reseed().orElseThrow();
        assertThat(reseed.status()).as(reseed.toText()).isEqualTo(200);
        assertThat(reseed.workspaces()).allMatch(ReseedReply.WorkspaceReport::verified);
        assertThat(done.credential()).contains(CopilotCredential.fingerprint(NEW_TOKEN));
        assertThat(done.userCode()).as("the code is shown only while pending").isEmpty();
        assertThat(done.message()).startsWith("reseed " + reseed.reseed() + " ended success (HTTP 200)");
        String written = authJson(NEW_TOKEN);
        assertThat(f.doppler.writes()).containsExactly(Map.of(flux.dopplerSecret(), written, ha.dopplerSecret(), written));
        assertThat(secretValue(flux)).isEqualTo(written);
        assertThat(f.controller.rollouts(NS, flux.deployment())).isEqualTo(1);
        assertThat(f.controller.rollouts(NS, ha.deployment())).isEqualTo(1);
        assertThat(total(LoginResult.SUCCESS)).isEqualTo(1.0);
        assertNoSecret(done);

        // OpenCode's requests: JSON bodies with its client id and scope, the device code, the grant type.
        github.verify(1, postRequestedFor(urlEqualTo(GitHubWireMock.DEVICE_PATH)).withHeader("Accept", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"client_id\":\"Ov23li8tweQw6odWQebz\",\"scope\":\"read:user\"}")));
        github.verify(4, postRequestedFor(urlEqualTo(GitHubWireMock.TOKEN_PATH)).withHeader("Accept", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"client_id\":\"Ov23li8tweQw6odWQebz\",\"device_code\":\"" + GitHubWireMock.DEVICE_CODE
                        + "\",\"grant_type\":\"urn:ietf:params:oauth:grant-type:device_code\"}")));
        // interval 0 + margin between polls; after slow_down the interval grows by the configured increase and stays.
        List<ServeEvent> polls = GitHubWireMock.polls(github);
        assertThat(gap(polls, 0, 1)).isGreaterThanOrEqualTo(MARGIN.toMillis());
        assertThat(gap(polls, 1, 2)).as("after slow_down").isGreaterThanOrEqualTo(SLOW_DOWN.plus(MARGIN).toMillis());
        assertThat(gap(polls, 2, 3)).as("the raised interval stays").isGreaterThanOrEqualTo(SLOW_DOWN.plus(MARGIN).toMillis());
    }

    static long gap(List<ServeEvent> polls, int a, int b) {
        return polls.get(b).getRequest().getLoggedDate().getTime() - polls.get(a).getRequest().getLoggedDate().getTime();
    }

    @Test
    void aLoginForOneWorkspaceReseedsOnlyThatOne() {
        GitHubWireMock.deviceCode(github, 0, 900);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.token(NEW_TOKEN));
        LoginService s = service();

        LoginReply done = awaitEnd(s, s.start(request("opencode-ha")));

        assertThat(done.state()).isEqualTo("done");
        assertThat(done.workspaces()).containsExactly("opencode-ha");
        assertThat(done.reseed().orElseThrow().workspaces()).extracting(ReseedReply.WorkspaceReport::workspace).containsExactly("opencode-ha");
        assertThat(secretValue(ha)).isEqualTo(authJson(NEW_TOKEN));
        assertThat(secretValue(flux)).isEqualTo(OLD);
    }

    @Test
    void aTokenCopilotRefusesEndsDoneWithTheReseedsRefusalAndChangesNothing() {
        GitHubWireMock.deviceCode(github, 0, 900);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.token(ReseedFixture.REVOKED_TOKEN));
        LoginService s = service();

        LoginReply done = awaitEnd(s, s.start(request()));

        assertThat(done.state()).isEqualTo("done");
        assertThat(done.reseed().orElseThrow().status()).isEqualTo(422);
        assertThat(done.message()).contains("ended rejected (HTTP 422)").contains("credential rejected by Copilot");
        assertThat(total(LoginResult.RESEED_FAILED)).isEqualTo(1.0);
        assertNothingChanged();
    }

    // --- the flow ends without a credential: nothing changes ------------------------------------------------------

    @Test
    void expiredDeniedAndOtherErrorsEndTheLoginAndChangeNothing() {
        record Case(String answer, String state, LoginResult result, String message) {
        }
        List<Case> cases = List.of(
                new Case(GitHubWireMock.expired(), "expired", LoginResult.EXPIRED, "GitHub says the code expired"),
                new Case(GitHubWireMock.denied(), "denied", LoginResult.DENIED, "the authorization was refused on GitHub"),
                new Case(GitHubWireMock.error("incorrect_device_code"), "failed", LoginResult.FAILED,
                        "GitHub ended the login: incorrect_device_code; nothing changed"));
        LoginService s = service();
        for (Case c : cases) {
            github.resetAll();
            GitHubWireMock.deviceCode(github, 0, 900);
            GitHubWireMock.tokenAnswers(github, GitHubWireMock.pending(), c.answer());

            LoginReply end = awaitEnd(s, s.start(request()));

            assertThat(end.state()).as(c.state()).isEqualTo(c.state());
            assertThat(end.message()).contains(c.message());
            assertThat(end.reseed()).isEmpty();
            assertThat(end.credential()).isEmpty();
            assertThat(total(c.result())).isEqualTo(1.0);
            assertThat(GitHubWireMock.polls(github)).as("no poll after the end").hasSize(2);
            assertNoSecret(end);
        }
        assertNothingChanged();
    }

    @Test
    void theKeeperStopsPollingWhenTheCodesExpire() {
        GitHubWireMock.deviceCode(github, 0, 1);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.pending());
        LoginService s = service();

        LoginReply end = awaitEnd(s, s.start(request()));

        assertThat(end.state()).isEqualTo("expired");
        assertThat(end.message()).contains("before it was entered");
        int polls = GitHubWireMock.polls(github).size();
        assertThat(polls).isPositive();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> GitHubWireMock.polls(github).size() == polls);
        assertNothingChanged();
    }

    @Test
    void aGitHubOutageWhilePollingIsRetriedAndAnHttpErrorEndsTheLogin() {
        GitHubWireMock.deviceCode(github, 0, 900);
        github.stubFor(post(urlEqualTo(GitHubWireMock.TOKEN_PATH)).inScenario("t").willSetStateTo("slow")
                .willReturn(aResponse().withFixedDelay(4_000).withBody(GitHubWireMock.pending())));
        github.stubFor(post(urlEqualTo(GitHubWireMock.TOKEN_PATH)).inScenario("t").whenScenarioStateIs("slow")
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"boom\"}")));
        LoginService s = service();

        LoginReply end = awaitEnd(s, s.start(request()));

        assertThat(end.state()).isEqualTo("failed");
        assertThat(end.message()).isEqualTo("GitHub answered HTTP 500 (boom); nothing changed");
        assertThat(logs.linesContaining("GitHub did not answer the token poll")).as("the timeout was retried").isNotEmpty();
        assertNothingChanged();
    }

    // --- refusals: nothing starts ---------------------------------------------------------------------------------

    @Test
    void badParametersAreRefusedBeforeGitHubIsAsked() {
        LoginService s = service();
        record Case(LoginService.LoginRequest request, String message) {
        }
        for (Case c : List.of(
                new Case(request("gamma"), "?workspace names no configured workspace; configured: opencode-flux, opencode-ha; no login started"),
                new Case(new LoginService.LoginRequest(List.of(), "ghe.example.com/x", null, null), "?enterprise= takes a GitHub Enterprise domain"),
                new Case(new LoginService.LoginRequest(List.of(), null, "yes", null), "?force takes exactly true or false"),
                new Case(new LoginService.LoginRequest(List.of(), null, null, "hot"), "?mode takes exactly rollout or live"))) {
            LoginReply r = s.start(c.request());
            assertThat(r.status()).as(c.message()).isEqualTo(400);
            assertThat(r.state()).isEqualTo("rejected");
            assertThat(r.login()).isEmpty();
            assertThat(r.message()).contains(c.message()).endsWith("no login started");
        }
        assertThat(github.getAllServeEvents()).as("GitHub calls").isEmpty();
    }

    @Test
    void anEnterpriseSchemeOtherThanHttpsOrHttpIsRefusedAtStart() {
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(LoginConfig.class, java.util.Map.of("keeper.login.enterprise-scheme", "ftp")))
                .containsExactly("keeper.login.enterprise-scheme takes https or http, not 'ftp'");
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(LoginConfig.class, java.util.Map.of("keeper.login.enterprise-scheme", "http")))
                .as("a stand-in on loopback").isEmpty();
    }

    @Test
    void aZeroLoginDurationIsRefusedAtStart() {
        for (String key : java.util.List.of("keeper.login.poll-margin", "keeper.login.slow-down-increase", "keeper.login.timeout")) {
            assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(LoginConfig.class, java.util.Map.of(key, "0s")))
                    .containsExactly(key + " must be longer than 0 (a duration such as 500ms, 10s or 5m)");
        }
    }

    @Test
    void aDeviceCodeGitHubRefusesOrCannotGiveIs502AndStartsNothing() {
        LoginService s = service();
        github.stubFor(post(urlEqualTo(GitHubWireMock.DEVICE_PATH)).willReturn(aResponse().withStatus(404).withBody("{\"error\":\"Not Found\"}")));
        LoginReply refused = s.start(request());
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.message()).isEqualTo("GitHub answered HTTP 404 to the device code request; no login started");

        github.stop();
        LoginReply unreachable = s.start(request());
        assertThat(unreachable.status()).isEqualTo(502);
        assertThat(unreachable.message()).isEqualTo("GitHub could not be reached for the device code request at localhost (ConnectException); no login started");
        github.start();
        assertThat(LoginResult.values()).allMatch(r -> total(r) == 0.0);
    }

    @Test
    void oneLoginAtATimeAndNoneWhileAReseedRuns() {
        GitHubWireMock.deviceCode(github, 0, 900);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.pending());
        LoginService s = service();
        LoginReply first = s.start(request());
        assertThat(first.status()).isEqualTo(202);

        LoginReply second = s.start(request());
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.message()).isEqualTo("login " + first.login().orElseThrow() + " is pending (GET /login/"
                + first.login().orElseThrow() + "); one login at a time, no login started");
        github.verify(1, postRequestedFor(urlEqualTo(GitHubWireMock.DEVICE_PATH)));

        // A reseed whose check before is slow holds the reseed lock; a login then is refused.
        String slow = "gho_FIXTUREslow4444";
        f.http.stubFor(get(urlEqualTo("/models")).withHeader("Authorization", equalTo("Bearer " + slow))
                .willReturn(aResponse().withFixedDelay(1_500).withStatus(503)));
        LoginService other = service(workflow);
        CompletableFuture<ReseedReply> reseed = CompletableFuture.supplyAsync(() -> workflow.reseed(ReseedFixture.request(authJson(slow))));
        await().atMost(Duration.ofSeconds(5)).until(() -> workflow.running().isPresent());
        LoginReply whileReseeding = other.start(request());
        assertThat(whileReseeding.status()).isEqualTo(409);
        assertThat(whileReseeding.message()).matches("reseed [0-9a-f]{8} is running \\(started .*")
                .endsWith("no login started, try again when it is done");
        reseed.join();
        github.verify(1, postRequestedFor(urlEqualTo(GitHubWireMock.DEVICE_PATH)));
        assertThat(s.get("nope")).isEmpty();
    }

    @Test
    void aReplicaThatNoLongerLeadsDoesNotReseed() {
        GitHubWireMock.deviceCode(github, 0, 900);
        GitHubWireMock.tokenAnswers(github, GitHubWireMock.pending(), GitHubWireMock.pending(), GitHubWireMock.token(NEW_TOKEN));
        LoginService s = service();
        LoginReply started = s.start(request());
        s.onLeadership(new Leadership.LeadershipChange(false));

        LoginReply end = awaitEnd(s, started);

        assertThat(end.state()).isEqualTo("failed");
        assertThat(end.message()).contains("this replica no longer leads, so it did not reseed");
        assertThat(end.credential()).contains(CopilotCredential.fingerprint(NEW_TOKEN));
        assertNothingChanged();
    }

    // --- GitHub Enterprise ------------------------------------------------------------------------------------------

    @Test
    void anEnterpriseDomainTheCredentialModelWouldRefuseStartsNoLogin() {
        WireMockServer ghe = GitHubWireMock.started();
        try {
            GitHubWireMock.deviceCode(ghe, 0, 900);
            GitHubWireMock.tokenAnswers(ghe, GitHubWireMock.token(NEW_TOKEN));
            // The stand-in's domain has an IP address and a port: the strict github-copilot model would refuse the
            // enterpriseUrl at the reseed's input step, so the login is refused before GitHub makes a token.
            String domain = "127.0.0.1:" + ghe.port();
            LoginService s = service();

            LoginReply started = s.start(new LoginService.LoginRequest(List.of(), "http://" + domain + "/", null, null));

            assertThat(started.status()).as(started.message()).isEqualTo(400);
            assertThat(started.state()).isEqualTo("rejected");
            assertThat(started.message()).contains("?enterprise= takes a GitHub Enterprise domain").doesNotContain(domain);
            assertThat(ghe.getAllServeEvents()).as("Enterprise calls").isEmpty();
            assertThat(github.getAllServeEvents()).as("github.com calls").isEmpty();
            assertNothingChanged();
        } finally {
            ghe.stop();
        }
    }
}
