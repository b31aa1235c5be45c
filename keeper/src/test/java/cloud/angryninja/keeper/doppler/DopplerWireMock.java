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

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import cloud.angryninja.keeper.sandbox.DopplerStandIn;

/**
 * A Doppler API stand-in: WireMock on a random loopback port, with the keeper's {@code keeper.doppler.*}
 * pointed at it and short retry settings. Tests get the server through a field annotated {@link Server}.
 */
public class DopplerWireMock implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "dp.st.prd.FAKE-doppler-token-0123456789";
    public static final String PROJECT = "opencode";
    public static final String CONFIG = "prd";
    public static final String WRITE_PATH = DopplerStandIn.WRITE_PATH;
    public static final String READ_PATH = DopplerStandIn.READ_PATH;

    /** Marks the test field that receives the running {@link WireMockServer}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Server {
    }

    private WireMockServer server;

    private static final Map<Integer, DopplerStandIn.State> STATES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Doppler holds {@code initial} and what is written later: reads and writes through the sandbox's {@link DopplerStandIn}. */
    public static void stateful(WireMockServer server, Map<String, String> initial) {
        DopplerStandIn.answer(server, STATES.get(server.port()), initial);
    }

    @Override
    public Map<String, String> start() {
        DopplerStandIn.State state = new DopplerStandIn.State();
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
                .map(DopplerStandIn::secretsOf)
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
}
