package cloud.angryninja.keeper.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.TestCredentials;

/**
 * Real parts for the passive-detection test: one real OpenCode 1.18.33 server seeded with
 * {@link #TOKEN}, pointed at a WireMock stand-in of the Copilot API whose {@code /models} answers
 * 200 until a user request reaches {@code /responses} or {@code /chat/completions}, which answer
 * 401 and revoke the credential (from then on {@code /models} answers 401 too), as a credential
 * revoked while in use behaves. Workspaces: {@code victim} (right password), {@code wrongpw} (the
 * same server, wrong password), {@code down} (a closed port).
 */
public class PromptWorkspacesResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "gho_passiveDetection";
    public static final String PASSWORD = "pw-victim";
    static final String MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-5-mini\",\"name\":\"GPT-5 mini\",\"object\":\"model\","
            + "\"vendor\":\"OpenAI\",\"version\":\"gpt-5-mini\",\"preview\":false,\"model_picker_enabled\":true,"
            + "\"capabilities\":{\"family\":\"gpt-5-mini\",\"type\":\"chat\",\"object\":\"model_capabilities\","
            + "\"limits\":{\"max_context_window_tokens\":128000,\"max_output_tokens\":16000,\"max_prompt_tokens\":112000},"
            + "\"supports\":{\"streaming\":true,\"tool_calls\":true}}}]}";
    static final String REVOKED = "revoked";
    /**
     * OpenCode 1.18.33 retries a 429 five times before it reports {@code session.error}, waiting as a
     * {@code retry-after-ms} header says, else 2 s doubling (about 75 s in all). The stand-ins say 50 ms ({@link #RETRY_AFTER_MS_VALUE}):
     * the same five retries and the same events, in about a second.
     */
    public static final String RETRY_AFTER_MS = "retry-after-ms";
    /** The value of {@link #RETRY_AFTER_MS} the stand-ins send. */
    public static final String RETRY_AFTER_MS_VALUE = "50";

    private WireMockServer copilot;
    private OpenCodeProcess server;
    private Path root;

    @Override
    public Map<String, String> start() {
        copilot = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        copilot.start();
        stubCopilot(copilot);
        try {
            root = Files.createTempDirectory("keeper-passive-");
            String auth = TestCredentials.authJson(TOKEN);
            server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root.resolve("victim"), PASSWORD)
                    .withCopilotBaseUrl(copilot.baseUrl()).withAuthJson(auth), Duration.ofSeconds(90));
            Map<String, String> config = new HashMap<>();
            config.put("keeper.copilot.api-url", copilot.baseUrl());
            config.put("keeper.copilot.timeout", "2s");
            config.put("keeper.probe.timeout", "5s");
            config.put("keeper.probe.interval", "1h"); // the scheduled cycle cannot be what flips the metric
            config.put("keeper.probe.confirm-delay", "300ms");
            // long enough to see a 429's window hold; PassiveDetectionTest closes it before each test
            config.put("keeper.probe.rate-limit-window", "15s");
            config.put("keeper.events.backoff-initial", "200ms");
            config.put("keeper.events.backoff-max", "1s");
            config.put("keeper.workspaces.victim.url", server.baseUri().toString());
            config.put("keeper.workspaces.victim.password", PASSWORD);
            config.put("keeper.workspaces.wrongpw.url", server.baseUri().toString());
            config.put("keeper.workspaces.wrongpw.password", "pw-wrong");
            config.put("keeper.workspaces.down.url", "http://127.0.0.1:" + Loopback.freePort());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stand-in in its first state: credential live until a user request is refused. */
    static void stubCopilot(WireMockServer copilot) {
        stubCopilot(copilot, "");
    }

    /**
     * The same, the credential turning revoked at the first chat request that holds {@code prompt}: a request OpenCode
     * still sends for an earlier test's session (a retry, the session's title) is no request of this test. Other chat
     * requests get WireMock's 404.
     */
    static void stubCopilot(WireMockServer copilot, String prompt) {
        copilot.resetAll();
        copilot.stubFor(get(urlEqualTo("/models")).inScenario("credential").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS)));
        copilot.stubFor(get(urlEqualTo("/models")).inScenario("credential").whenScenarioStateIs(REVOKED)
                .willReturn(unauthorized()));
        for (String path : new String[] {"/responses", "/chat/completions"}) {
            copilot.stubFor(post(urlEqualTo(path)).withRequestBody(containing(prompt)).inScenario("credential").willSetStateTo(REVOKED)
                    .willReturn(unauthorized()));
        }
    }

    /**
     * The stand-in with the quota used up: {@code /models} accepts the credential, every chat request
     * answers 429 {@code user_weekly_rate_limited} as GitHub does, with {@link #RETRY_AFTER_MS} {@link #RETRY_AFTER_MS_VALUE}.
     */
    static void stubRateLimited(WireMockServer copilot) {
        copilot.resetAll();
        copilot.stubFor(get(urlEqualTo("/models"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS)));
        for (String path : new String[] {"/responses", "/chat/completions"}) {
            copilot.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                    .withHeader(RETRY_AFTER_MS, RETRY_AFTER_MS_VALUE).withBody("{\"error\":{\"message\":\"Sorry, you have been rate-limited.\",\"code\":\"user_weekly_rate_limited\"}}")));
        }
    }

    /** A quota wait of 14 days, as {@code retry-after} (seconds) says it: OpenCode retries once it has passed. */
    public static final String QUOTA_RETRY_AFTER_SECONDS = "1209600";

    /**
     * The stand-in with the weekly quota used up and its reset days away: {@code /models} accepts the credential, every
     * chat request answers 429 {@code user_weekly_rate_limited} with {@code retry-after: }{@link #QUOTA_RETRY_AFTER_SECONDS}.
     * OpenCode then reports one {@code session.status} retry and no {@code session.error} for 14 days.
     */
    static void stubQuotaExhausted(WireMockServer copilot) {
        copilot.resetAll();
        copilot.stubFor(get(urlEqualTo("/models"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(MODELS)));
        for (String path : new String[] {"/responses", "/chat/completions"}) {
            copilot.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                    .withHeader("retry-after", QUOTA_RETRY_AFTER_SECONDS)
                    .withBody("{\"error\":{\"message\":\"Sorry, you have been rate-limited. Please wait a moment before trying again.\","
                            + "\"code\":\"user_weekly_rate_limited\"}}")));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder unauthorized() {
        return aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody("{\"message\":\"Bad credentials\"}");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(copilot, new TestInjector.MatchesType(WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (copilot != null) {
            copilot.stop();
        }
        if (root != null) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temporary folder
            }
        }
    }
}
