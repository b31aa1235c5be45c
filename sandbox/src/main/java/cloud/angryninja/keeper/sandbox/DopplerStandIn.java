package cloud.angryninja.keeper.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Doppler's secrets API on a loopback WireMock, holding what it is given and what is written to it, as one Doppler
 * config does: {@code GET /v3/configs/config/secret?name=} answers the value (404 when there is none), {@code POST
 * /v3/configs/config/secrets} sets every secret of its body. The sandbox runs one ({@link #start}); a test that keeps
 * its own WireMock server registers a {@link State} on it and answers with {@link #answer}.
 */
public final class DopplerStandIn implements AutoCloseable {

    public static final String WRITE_PATH = "/v3/configs/config/secrets";
    public static final String READ_PATH = "/v3/configs/config/secret";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final State state;

    private DopplerStandIn(WireMockServer server, State state) {
        this.server = server;
        this.state = state;
    }

    /** A Doppler config holding {@code initial}, on this loopback port (0: a free one). */
    public static DopplerStandIn start(int port, Map<String, String> initial) {
        State state = new State();
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(state));
        server.start();
        answer(server, state, initial);
        return new DopplerStandIn(server, state);
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return server.baseUrl();
    }

    /** The value a secret has now: what ESO would read. */
    public Optional<String> value(String name) {
        return Optional.ofNullable(state.values.get(name));
    }

    @Override
    public void close() {
        server.stop();
    }

    /**
     * Answers as a Doppler config holding {@code initial} and, from then on, what is written: {@code server} must have
     * been made with {@code state} among its extensions. Stubs and values from before are dropped.
     */
    public static void answer(WireMockServer server, State state, Map<String, String> initial) {
        server.resetAll();
        state.values.clear();
        state.values.putAll(initial);
        server.stubFor(WireMock.get(urlPathEqualTo(READ_PATH)).willReturn(aResponse().withTransformers(State.NAME)));
        server.stubFor(WireMock.post(urlPathEqualTo(WRITE_PATH)).willReturn(okJson("{\"success\":true}").withTransformers(State.NAME)));
    }

    /** The {@code secrets} of a write's body, in their order. */
    public static Map<String, String> secretsOf(Request request) {
        try {
            JsonNode secrets = JSON.readTree(request.getBodyAsString()).path("secrets");
            Map<String, String> out = new LinkedHashMap<>();
            secrets.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("the Doppler stand-in received a body that is not JSON", e);
        }
    }

    /** What a Doppler config holds: a write sets its secrets, a read answers the value or 404. */
    public static final class State implements ResponseDefinitionTransformerV2 {
        static final String NAME = "doppler-state";
        private final Map<String, String> values = new ConcurrentHashMap<>();

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            if (request.getMethod().getName().equals("POST")) {
                values.putAll(secretsOf(request));
                return event.getResponseDefinition();
            }
            String name = request.queryParameter("name").firstValue();
            String value = values.get(name);
            if (value == null) {
                return aResponse().withStatus(404).withBody("{\"messages\":[\"Could not find requested secret\"],\"success\":false}").build();
            }
            try {
                return okJson(JSON.writeValueAsString(Map.of("name", name, "value", Map.of("raw", value, "computed", value)))).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
