package cloud.angryninja.keeper.login;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * GitHub's device flow endpoints on a loopback WireMock: {@code POST /login/device/code} answers {@link #DEVICE_CODE} and
 * {@link #USER_CODE}; {@code POST /login/oauth/access_token} plays a sequence of answers (the last one repeats);
 * {@code GET /user} names a token's account ({@link #user}). As a Quarkus test resource it points
 * {@code keeper.login.github-url} and {@code keeper.github.api-url} at itself with millisecond poll margins.
 */
public class GitHubWireMock implements QuarkusTestResourceLifecycleManager {

    public static final String DEVICE_CODE = "3584d83530557fdd1f46af8289938c8ef79f9dc5CANARY";
    public static final String USER_CODE = "WDJB-MJHT";
    public static final String DEVICE_PATH = "/login/device/code";
    public static final String TOKEN_PATH = "/login/oauth/access_token";

    /** Injects the server into a test field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Server {
    }

    private WireMockServer server;

    public static WireMockServer started() {
        WireMockServer s = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        s.start();
        return s;
    }

    /** The device code answer, with GitHub's fields; {@code interval} and {@code expiresIn} in seconds. */
    public static void deviceCode(WireMockServer s, int interval, int expiresIn) {
        s.stubFor(post(urlEqualTo(DEVICE_PATH)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"device_code\":\"" + DEVICE_CODE + "\",\"user_code\":\"" + USER_CODE + "\",\"verification_uri\":"
                        + "\"https://github.com/login/device\",\"expires_in\":" + expiresIn + ",\"interval\":" + interval + "}")));
    }

    /** The token endpoint answers these bodies (HTTP 200) in order, then repeats the last. */
    public static void tokenAnswers(WireMockServer s, String... bodies) {
        for (int i = 0; i < bodies.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "answer-" + i;
            var stub = post(urlEqualTo(TOKEN_PATH)).inScenario("token").whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(bodies[i]));
            s.stubFor(i + 1 < bodies.length ? stub.willSetStateTo("answer-" + (i + 1)) : stub);
        }
    }

    public static String pending() {
        return error("authorization_pending");
    }

    public static String slowDown() {
        return error("slow_down");
    }

    public static String expired() {
        return error("expired_token");
    }

    public static String denied() {
        return error("access_denied");
    }

    public static String error(String code) {
        return "{\"error\":\"" + code + "\",\"error_description\":\"about " + code + "\",\"error_uri\":\"https://docs.github.com\"}";
    }

    public static String token(String token) {
        return "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"scope\":\"read:user\"}";
    }

    /** {@code GET /user} with {@code Authorization: token <token>} answers the account {@code login}, as GitHub's REST API does. */
    public static void user(WireMockServer s, String token, String login) {
        s.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/user"))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("token " + token))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"login\":\"" + login + "\",\"id\":1,\"type\":\"User\"}")));
    }

    /** The token polls received, oldest first. */
    public static List<ServeEvent> polls(WireMockServer s) {
        return s.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals(TOKEN_PATH))
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
    }

    @Override
    public Map<String, String> start() {
        server = started();
        return Map.of("keeper.login.github-url", server.baseUrl(), "keeper.login.poll-margin", "50ms",
                "keeper.login.slow-down-increase", "200ms", "keeper.login.timeout", "3s", "keeper.github.api-url", server.baseUrl(),
                "keeper.github.timeout", "3s");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(Server.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
