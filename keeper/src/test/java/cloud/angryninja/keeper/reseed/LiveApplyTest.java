package cloud.angryninja.keeper.reseed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.reseed.ReseedReply.StepReport;
import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/**
 * Live mode, the reseed's default, on real OpenCode 1.18.33 servers: the reseed puts the new credential into the
 * running server (no restart, no rollout) and the next Copilot request, made by a prompt, carries it; a workspace
 * that does not take it live is rolled out instead. The fixture's WireMock plays the
 * Copilot API ({@code /models} for the checks, {@code /responses} and {@code /chat/completions} for prompts); the
 * mock Kubernetes API with the ESO and Deployment-controller stand-ins plays the cluster.
 */
// @QuarkusTest: the keeper's REST clients are built by the Quarkus application (their implementations are generated at
// build time); the test resource is the one shared by the tests that need no workspace of the application's own.
@Tier.Integration
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveApplyTest {

    static final String NS = "opencode";
    static final String OLD = ReseedFixture.OLD_TOKEN;
    static final String NEW = ReseedFixture.NEW_TOKEN;
    static final ObjectMapper JSON = new ObjectMapper();

    ReseedFixture fx;
    Path root;
    OpenCodeProcess loaded;
    OpenCodeProcess bare;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws IOException {
        // real OpenCode: answering the first call after a dispose took over 5 s once, with another test run beside this one
        fx = new ReseedFixture(NS).withOpenCodeTimeout(Duration.ofSeconds(30));
        fx.http.stubFor(post(urlPathMatching("/(responses|chat/completions)")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"stand-in\"}}")));
        root = Files.createTempDirectory("keeper-live-");
        loaded = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve("loaded"), "pw-loaded")
                .withCopilotBaseUrl(fx.http.baseUrl()).withAuthJson(TestCredentials.authJson(OLD)), Duration.ofSeconds(90));
        bare = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve("bare"), "pw-bare")
                .withCopilotBaseUrl(fx.http.baseUrl()), Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() throws IOException {
        if (loaded != null) {
            loaded.close();
        }
        if (bare != null) {
            bare.close();
        }
        if (fx != null) {
            fx.close();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Workspace workspace(String name, OpenCodeProcess server, String password) {
        return new Workspace(name, URI.create("http://127.0.0.1:" + server.port()), OpenCodeProcess.USERNAME, Optional.of(password), NS,
                name, name, name + "-secret", "COPILOT_AUTH_JSON", Workspace.defaultDopplerSecret(name));
    }

    private static ReseedRequest live(String body, String workspace, String mode) {
        return new ReseedRequest(body.getBytes(StandardCharsets.UTF_8), false, List.of(workspace), null, null, mode);
    }

    private static Optional<StepReport> step(ReseedReply reply, String workspace, String step) {
        return reply.workspaces().stream().filter(w -> w.workspace().equals(workspace)).findFirst().orElseThrow()
                .steps().stream().filter(s -> s.step().equals(step)).findFirst();
    }

    private String secretValue(Workspace w) {
        Secret s = fx.cluster.client().secrets().inNamespace(NS).withName(w.secret()).get();
        return new String(Base64.getDecoder().decode(s.getData().get(w.secretKey())), StandardCharsets.UTF_8);
    }

    private boolean providerLoaded(Workspace w) {
        return new OpenCodeClient(Duration.ofSeconds(10)).copilotProvider(w).loaded();
    }

    /** A prompt on github-copilot/gpt-5-mini; returns the Copilot requests it made (Authorization headers). */
    private List<String> promptAuthorizations(OpenCodeProcess server, String password) throws Exception {
        fx.http.resetRequests();
        String basic = "Basic " + Base64.getEncoder().encodeToString(("opencode:" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> session = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/session"))
                .header("Authorization", basic).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(session.statusCode()).as("POST /session").isEqualTo(200);
        String id = JSON.readTree(session.body()).path("id").asText();
        HttpResponse<String> message = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/session/" + id + "/message"))
                .header("Authorization", basic).header("Content-Type", "application/json").timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"},"
                        + "\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(message.statusCode()).as("POST /session/{id}/message").isEqualTo(200);
        return fx.http.findAll(postRequestedFor(urlPathMatching("/(responses|chat/completions)"))).stream()
                .map(LoggedRequest::getHeaders).map(h -> h.getHeader("Authorization").firstValue()).toList();
    }

    private void assertNoRollout(Workspace w) {
        assertThat(fx.controller.rollouts(NS, w.deployment())).as("rollouts of " + w.deployment()).isZero();
        Deployment d = fx.cluster.client().apps().deployments().inNamespace(NS).withName(w.deployment()).get();
        Optional<String> restartedAt = Optional.ofNullable(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .map(a -> a.get("kubectl.kubernetes.io/restartedAt"));
        assertThat(restartedAt).as("restartedAt on the pod template").isEmpty();
        assertThat(d.getMetadata().getGeneration()).as("Deployment generation").isEqualTo(1L);
    }

    @Test
    void liveReseedReachesTheRunningServerWhoseProviderWasLoaded() throws Exception {
        Workspace w = workspace("loaded", loaded, "pw-loaded");
        fx.create(w, TestCredentials.authJson(OLD), false, "Periodic");
        ReseedWorkflow workflow = fx.workflow(List.of(w));
        assertThat(providerLoaded(w)).as("github-copilot loaded at start").isTrue();
        assertThat(promptAuthorizations(loaded, "pw-loaded")).as("before: the old token").isNotEmpty().containsOnly("Bearer " + OLD);
        long pid = loaded.pid();

        ReseedReply reply;
        try (LogCapture logs = LogCapture.start()) {
            reply = workflow.reseed(live(TestCredentials.authJson(NEW), w.name(), null)); // the default mode
            assertThat(logs.linesContaining("step=live_apply outcome=success")).as("the capture saw the live apply").isNotEmpty();
            for (String line : logs.lines()) {
                assertThat(line).doesNotContain(NEW).doesNotContain(OLD).doesNotContain("pw-loaded");
            }
        }

        assertThat(reply.status()).as(reply.toText()).isEqualTo(200);
        assertThat(step(reply, w.name(), "rollout").orElseThrow().outcome()).as("no rollout: taken live").isEqualTo("skipped");
        assertThat(step(reply, w.name(), "rollout").orElseThrow().detail()).isEqualTo("not needed: the running OpenCode took the credential");
        assertThat(reply.workspaces().get(0).applied()).isEqualTo("live");
        assertThat(reply.toText()).contains("\nloaded applied live\n");
        assertThat(step(reply, w.name(), "live_apply").orElseThrow().detail()).contains("PUT /auth/github-copilot")
                .contains("no dispose");
        assertThat(step(reply, w.name(), "verify_after").orElseThrow().detail()).startsWith("verified:").contains("no rollout (live mode)");
        assertThat(reply.toText()).doesNotContain(NEW);
        assertThat(fx.doppler.value(w.dopplerSecret())).contains(TestCredentials.authJson(NEW));
        assertThat(secretValue(w)).isEqualTo(TestCredentials.authJson(NEW));

        assertThat(promptAuthorizations(loaded, "pw-loaded")).as("the next Copilot requests").isNotEmpty().containsOnly("Bearer " + NEW);
        assertThat(loaded.pid()).as("same OpenCode process").isEqualTo(pid);
        assertThat(loaded.isAlive()).isTrue();
        assertNoRollout(w);
    }

    @Test
    void liveReseedLoadsTheProviderOfAServerStartedWithoutCredential() throws Exception {
        Workspace w = workspace("bare", bare, "pw-bare");
        fx.create(w, TestCredentials.authJson(OLD), false, "Periodic");
        ReseedWorkflow workflow = fx.workflow(List.of(w));
        assertThat(providerLoaded(w)).as("no auth.json at start: github-copilot not loaded").isFalse();
        long pid = bare.pid();

        ReseedReply reply = workflow.reseed(live(TestCredentials.authJson(NEW), w.name(), "live"));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(200);
        assertThat(step(reply, w.name(), "live_apply").orElseThrow().detail()).contains("was not loaded")
                .contains("POST /instance/dispose");
        assertThat(providerLoaded(w)).as("github-copilot loaded after the live apply").isTrue();
        assertThat(promptAuthorizations(bare, "pw-bare")).as("the next Copilot requests").isNotEmpty().containsOnly("Bearer " + NEW);
        assertThat(bare.pid()).isEqualTo(pid);
        assertNoRollout(w);
    }

    /**
     * An OpenCode that refuses the {@code PUT} (here: the keeper has a wrong password for it) does not take the credential
     * live: the workspace is rolled out once instead, and the reply says so. Its new pod still refuses the keeper's
     * password, so verify-after fails (502), with Doppler and the Secret holding the new credential.
     */
    @Test
    void aRefusedPutRollsTheWorkspaceOutInstead() throws Exception {
        Workspace w = workspace("wrongpw", loaded, "not-the-password");
        fx.create(w, TestCredentials.authJson(OLD), false, "Periodic");
        ReseedWorkflow workflow = fx.workflow(List.of(w));

        ReseedReply reply = workflow.reseed(live(TestCredentials.authJson(NEW), w.name(), "live"));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(502);
        assertThat(reply.message()).contains("Doppler and each synced Secret hold the new credential");
        StepReport apply = step(reply, w.name(), "live_apply").orElseThrow();
        assertThat(apply.outcome()).isEqualTo("failure");
        assertThat(apply.detail()).contains("HTTP 401").contains("rolling the workspace out instead");
        assertThat(step(reply, w.name(), "rollout").orElseThrow().outcome()).isEqualTo("success");
        assertThat(step(reply, w.name(), "verify_after").orElseThrow().detail()).startsWith("not verified").contains("up FAIL");
        assertThat(reply.workspaces().get(0).applied()).isEqualTo("rollout");
        assertThat(fx.controller.rollouts(NS, w.deployment())).as("one rollout").isEqualTo(1);
        assertThat(fx.doppler.value(w.dopplerSecret())).contains(TestCredentials.authJson(NEW));
        assertThat(secretValue(w)).isEqualTo(TestCredentials.authJson(NEW));
    }

    /** {@code ?mode=rollout} forces the rollout: the running OpenCode is not asked to take the credential. */
    @Test
    void aForcedRolloutRollsOutAWorkspaceThatWouldTakeItLive() throws Exception {
        Workspace w = workspace("forced", loaded, "pw-loaded");
        fx.create(w, TestCredentials.authJson(OLD), false, "Periodic");
        ReseedWorkflow workflow = fx.workflow(List.of(w));

        ReseedReply reply = workflow.reseed(live(TestCredentials.authJson(NEW), w.name(), "rollout"));

        assertThat(step(reply, w.name(), "live_apply")).as("no live apply step").isEmpty();
        assertThat(step(reply, w.name(), "rollout").orElseThrow().outcome()).isEqualTo("success");
        assertThat(reply.workspaces().get(0).applied()).isEqualTo("rollout");
        assertThat(fx.controller.rollouts(NS, w.deployment())).isEqualTo(1);
    }

    @Test
    void badModeIs400AndChangesNothing() {
        Workspace w = workspace("badmode", bare, "pw-bare");
        fx.create(w, TestCredentials.authJson(OLD), false, "Periodic");
        ReseedWorkflow workflow = fx.workflow(List.of(w));

        ReseedReply reply = workflow.reseed(live(TestCredentials.authJson(NEW), w.name(), "hot"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.message()).contains("?mode takes exactly rollout or live").doesNotContain("hot").contains("nothing changed");
        assertThat(fx.doppler.value(w.dopplerSecret())).contains(TestCredentials.authJson(OLD));
        assertThat(secretValue(w)).isEqualTo(TestCredentials.authJson(OLD));
        assertNoRollout(w);
    }

    @Test
    void aDeploymentReloaderWatchesIsNamedInTheDetail() throws Exception {
        Workspace w = workspace("watched", loaded, "pw-loaded");
        fx.create(w, TestCredentials.authJson(OLD), true, "Periodic");
        ReseedWorkflow workflow = fx.workflow(List.of(w));

        ReseedReply reply = workflow.reseed(live(TestCredentials.authJson(NEW), w.name(), "live"));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(200);
        assertThat(step(reply, w.name(), "live_apply").orElseThrow().detail())
                .contains("note: Reloader watches Deployment opencode/watched and restarts its pod because the Secret changed");
    }
}
