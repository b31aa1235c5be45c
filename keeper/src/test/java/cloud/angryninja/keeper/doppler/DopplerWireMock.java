package cloud.angryninja.keeper.doppler;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Doppler API stand-in: WireMock on a random loopback port, with the keeper's {@code keeper.doppler.*}
 * pointed at it and short retry settings. Tests get the server through a field annotated {@link Server}.
 */
public class DopplerWireMock implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "dp.st.prd.FAKE-doppler-token-0123456789";
    public static final String PROJECT = "opencode";
    public static final String CONFIG = "prd";
    public static final String WRITE_PATH = "/v3/configs/config/secrets";
    public static final String READ_PATH = "/v3/configs/config/secret";

    /** Marks the test field that receives the running {@link WireMockServer}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Server {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer server;

    /**
     * What a Doppler config holds, as its writes set it: a read stub made by {@link #stateful} answers the value last
     * written (or given at the start), else 404, as Doppler does; the write stub records what it sets.
     */
    static final class State implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        static final String NAME = "doppler-state";
        final Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(com.github.tomakehurst.wiremock.stubbing.ServeEvent event) {
            var request = event.getRequest();
            if (request.getMethod().getName().equals("POST")) {
                values.putAll(secretsOf(request));
                return event.getResponseDefinition();
            }
            String value = values.get(request.queryParameter("name").firstValue());
            if (value == null) {
                return com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(404)
                        .withBody("{\"messages\":[\"Could not find requested secret\"],\"success\":false}").build();
            }
            try {
                return com.github.tomakehurst.wiremock.client.WireMock.okJson(JSON.writeValueAsString(Map.of("name",
                        request.queryParameter("name").firstValue(), "value", Map.of("raw", value, "computed", value)))).build();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final Map<Integer, State> STATES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Doppler holds {@code initial} and what is written later: reads and writes through {@link State}. */
    public static void stateful(WireMockServer server, Map<String, String> initial) {
        State state = STATES.get(server.port());
        server.resetAll();
        state.values.clear();
        state.values.putAll(initial);
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(READ_PATH)).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withTransformers(State.NAME)));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(WRITE_PATH)).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"success\":true}").withTransformers(State.NAME)));
    }

    @Override
    public Map<String, String> start() {
        State state = new State();
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(state));
        server.start();
        STATES.put(server.port(), state);
        return Map.of(
                "keeper.doppler.api-url", server.baseUrl(),
                "keeper.doppler.token", TOKEN,
                "keeper.doppler.project", PROJECT,
                "keeper.doppler.config", CONFIG,
                "keeper.doppler.request-timeout", "1200ms",
                "keeper.doppler.max-retries", "3",
                "keeper.doppler.retry-delay", "50ms",
                "keeper.doppler.max-retry-delay", "200ms",
                "keeper.doppler.max-retry-after", "5s");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(Server.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            STATES.remove(server.port());
            server.stop();
        }
    }

    /** Bodies of every secrets write Doppler received, oldest first, as {@code secrets} maps. */
    public static List<Map<String, String>> writes(WireMockServer server) {
        return server.findAll(postRequestedFor(urlPathEqualTo(WRITE_PATH))).stream()
                .map(DopplerWireMock::secretsOf)
                .toList();
    }

    /** The value the latest write set for {@code name}: what a real Doppler would now serve to ESO. */
    public static Optional<String> latestValue(WireMockServer server, String name) {
        List<Map<String, String>> writes = writes(server);
        for (int i = writes.size() - 1; i >= 0; i--) {
            if (writes.get(i).containsKey(name)) {
                return Optional.of(writes.get(i).get(name));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> secretsOf(LoggedRequest request) {
        try {
            JsonNode secrets = JSON.readTree(request.getBodyAsString()).path("secrets");
            java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
            secrets.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Doppler stub received a body that is not JSON", e);
        }
    }
}
