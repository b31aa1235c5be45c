package cloud.angryninja.keeper.copilot;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.callout.ClientCache;
import cloud.angryninja.keeper.callout.FixedHeaders;
import cloud.angryninja.keeper.callout.Reply;
import cloud.angryninja.keeper.callout.RestClients;
import cloud.angryninja.keeper.copilot.CredentialCheck.Verdict;

/**
 * Checks a Copilot credential the way OpenCode 1.18 uses it at instance start:
 * {@code GET {base}/models} with {@code Authorization: Bearer <refresh>}, {@code X-GitHub-Api-Version}
 * and a User-Agent. Listing models costs no premium request. A failure to get an answer is UNKNOWN,
 * never INVALID. One {@link CopilotRestClient} per API base, built at its first check; {@code keeper.copilot.timeout}
 * is its connect timeout and the deadline of the whole call.
 */
@ApplicationScoped
public class CopilotChecker {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bases seen at once: the default API and a few GitHub Enterprise ones; more drop the least recently used. */
    private static final int BASES = 16;

    private final URI defaultApi;
    private final Duration timeout;
    private final String apiVersion;
    private final String userAgent;
    private final ClientCache<URI, CopilotRestClient> clients = new ClientCache<>(BASES);

    @Inject
    public CopilotChecker(CopilotConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(config.apiUrl(), config.timeout(), config.apiVersion(), "opencode-keeper/" + version);
    }

    public CopilotChecker(URI defaultApi, Duration timeout, String apiVersion, String userAgent) {
        this.defaultApi = defaultApi;
        this.timeout = timeout;
        this.apiVersion = apiVersion;
        this.userAgent = userAgent;
    }

    public URI defaultApi() {
        return defaultApi;
    }

    public CredentialCheck check(CopilotCredential credential) {
        long start = System.nanoTime();
        URI base = credential.baseUrl(defaultApi);
        Reply reply = Reply.await(() -> client(base).models(credential.refresh()), timeout);
        Duration took = since(start);
        if (reply.failure().isPresent()) {
            return switch (reply.failure().get().kind()) {
                case TIMEOUT -> CredentialCheck.timeout(timeout, took);
                case CONNECT -> CredentialCheck.connectionFailed("cannot connect to " + base.getHost(), took);
                case INTERRUPTED -> CredentialCheck.connectionFailed("interrupted", took);
                case OTHER -> CredentialCheck.connectionFailed(reply.failure().get().name() + " talking to " + base.getHost(), took);
            };
        }
        int status = reply.status();
        Verdict verdict = CredentialCheck.verdictOf(status);
        int count = verdict == Verdict.VALID ? pickerModels(reply.body()) : 0;
        if (verdict == Verdict.VALID && count < 0) {
            return new CredentialCheck(Verdict.UNKNOWN, status, 0, "HTTP 200 but the body is not a Copilot model list", took);
        }
        return new CredentialCheck(verdict, status, Math.max(count, 0), CredentialCheck.reasonOf(status, count), took);
    }

    /** The client of one API base, with the headers OpenCode sends besides the token. */
    private CopilotRestClient client(URI base) {
        return clients.get(base, base, () -> RestClients.builder(base, timeout, timeout, userAgent)
                .register(new FixedHeaders(Map.of("X-GitHub-Api-Version", apiVersion)))
                .build(CopilotRestClient.class));
    }

    /** Models with {@code model_picker_enabled: true} in {@code {"data":[...]}}; -1 when the body is not that. */
    static int pickerModels(String body) {
        try {
            JsonNode data = JSON.readTree(body).get("data");
            if (data == null || !data.isArray()) {
                return -1;
            }
            int n = 0;
            for (JsonNode model : data) {
                if (model.path("model_picker_enabled").asBoolean(false)) {
                    n++;
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
