package cloud.angryninja.keeper.opencode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;

import cloud.angryninja.keeper.callout.ClientCache;
import cloud.angryninja.keeper.callout.FixedHeaders;
import cloud.angryninja.keeper.callout.Reply;
import cloud.angryninja.keeper.callout.RestClients;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;

/**
 * The calls the keeper makes to an OpenCode server, with HTTP basic auth and a per-call deadline: the read-only
 * probes {@code GET /global/health}, {@code GET /config/providers} and {@code GET /project/current}, and the two writes of a live reseed,
 * {@code PUT /auth/github-copilot} and {@code POST /instance/dispose}. Each workspace has its own
 * {@link OpenCodeRestClient}, built at its first call with the workspace's base URL and basic auth and built again when
 * a discovered workspace's URL, user or password changes; {@code keeper.probe.timeout} is its connect timeout and the
 * deadline of each whole call.
 */
@ApplicationScoped
public class OpenCodeClient {

    public static final String COPILOT_PROVIDER = "github-copilot";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Answer of {@code /global/health}; {@code otherApi} when that route is 404 while OpenCode 2.x's
     * {@code GET /api/health} answers healthy: an OpenCode up, but not one the keeper can judge.
     */
    public record Health(boolean up, Optional<String> version, String reason, boolean otherApi) {
        public Health(boolean up, Optional<String> version, String reason) {
            this(up, version, reason, false);
        }
    }

    /** Whether {@code /config/providers} lists github-copilot with at least one model. */
    public record Provider(boolean loaded, int models, String reason) {
    }

    /**
     * What {@code GET /project/current} says of the server's working directory: {@code git} true when OpenCode sees a
     * git repository ({@code "vcs":"git"}), false when it sees none (the project {@code "global"}: no git on its PATH,
     * or the directory is not a clone), empty when it could not tell (no answer, another status, another API).
     */
    public record Project(Optional<Boolean> git, String reason) {
    }

    /** Answer of a write: {@code done} when OpenCode answered 200 {@code true}; {@code reason} never holds the body sent. */
    public record Change(boolean done, String reason) {
    }

    /** What a workspace's client is built from; never prints the password. */
    private record Target(URI url, String username, Optional<String> password) {
        @Override
        public String toString() {
            return "Target[" + url + "]";
        }
    }

    private final Duration timeout;
    private final ClientCache<String, OpenCodeRestClient> clients = new ClientCache<>(Integer.MAX_VALUE);

    /** {@code keeper.probe.timeout}, read by name: the opencode package knows no probe setting. */
    @Inject
    public OpenCodeClient(@ConfigProperty(name = "keeper.probe.timeout") Duration timeout) {
        this.timeout = timeout;
    }

    /** A discovered workspace that leaves takes its client (and connections) with it. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        if (event.kind() == WorkspaceEvent.Kind.LEFT) {
            clients.remove(event.workspace().name());
        }
    }

    /** The names of the workspaces whose clients are built (for tests). */
    java.util.List<String> built() {
        return clients.keys();
    }

    public Health health(Workspace workspace) {
        Answer a = call(workspace, "GET /global/health", OpenCodeRestClient::health);
        if (a.status == 404) {
            return otherApi(workspace, a);
        }
        if (a.status != 200) {
            return new Health(false, Optional.empty(), a.reason);
        }
        try {
            JsonNode body = JSON.readTree(a.body);
            Optional<String> version = Optional.ofNullable(body.path("version").textValue());
            if (body.path("healthy").asBoolean(false)) {
                return new Health(true, version, "healthy" + version.map(v -> ", version " + v).orElse(""));
            }
            return new Health(false, version, "OpenCode reports healthy=false");
        } catch (IOException e) {
            return new Health(false, Optional.empty(), "GET /global/health: HTTP 200 but the body is not JSON");
        }
    }

    /** {@code /global/health} is 404: OpenCode 2.x answers {@code GET /api/health} with {@code {"healthy":true}}. */
    private Health otherApi(Workspace workspace, Answer globalHealth) {
        Answer a = call(workspace, "GET /api/health", OpenCodeRestClient::apiHealth);
        if (a.status != 200) {
            return new Health(false, Optional.empty(), globalHealth.reason);
        }
        try {
            JsonNode body = JSON.readTree(a.body);
            if (body.path("healthy").asBoolean(false)) {
                return new Health(true, Optional.ofNullable(body.path("version").textValue()),
                        "GET /global/health is 404 while GET /api/health answers healthy: OpenCode 2.x routes", true);
            }
        } catch (IOException e) {
            // not an OpenCode health answer
        }
        return new Health(false, Optional.empty(), globalHealth.reason);
    }

    public Provider copilotProvider(Workspace workspace) {
        Answer a = call(workspace, "GET /config/providers", OpenCodeRestClient::providers);
        if (a.status != 200) {
            return new Provider(false, 0, a.reason);
        }
        try {
            return OpenCodeAnswers.copilotProvider(JSON.readTree(a.body));
        } catch (IOException e) {
            return new Provider(false, 0, "GET /config/providers: HTTP 200 but the body is not JSON");
        }
    }

    public Project project(Workspace workspace) {
        Answer a = call(workspace, "GET /project/current", OpenCodeRestClient::project);
        if (a.status != 200) {
            return new Project(Optional.empty(), a.reason);
        }
        try {
            return OpenCodeAnswers.project(JSON.readTree(a.body));
        } catch (IOException e) {
            return new Project(Optional.empty(), "GET /project/current: HTTP 200 but the body is not JSON");
        }
    }

    /**
     * {@code PUT /auth/github-copilot}: OpenCode stores the entry in its auth.json; the Copilot plugin reads it at each
     * request. {@code entryJson} is the bare entry ({@code {"type":"oauth","refresh":...}}), a secret: never logged.
     */
    public Change setCopilotAuth(Workspace workspace, String entryJson) {
        return change(call(workspace, "PUT /auth/" + COPILOT_PROVIDER, api -> api.setAuth(COPILOT_PROVIDER, entryJson)));
    }

    /** {@code POST /instance/dispose}: the next request starts a new instance, which loads the providers again. */
    public Change disposeInstance(Workspace workspace) {
        return change(call(workspace, "POST /instance/dispose", OpenCodeRestClient::disposeInstance));
    }

    private static Change change(Answer a) {
        if (a.status != 200) {
            return new Change(false, a.reason);
        }
        return "true".equals(a.body.strip()) ? new Change(true, "HTTP 200 true") : new Change(false, "HTTP 200 without true");
    }

    private record Answer(int status, String body, String reason) {
    }

    /** One call to the workspace's OpenCode, its answer or why none came as the reason; never throws. */
    private Answer call(Workspace workspace, String call, Function<OpenCodeRestClient, Uni<Response>> request) {
        Reply reply = Reply.await(() -> request.apply(client(workspace)), timeout);
        if (reply.failure().isPresent()) {
            URI uri = workspace.url();
            String why = switch (reply.failure().get().kind()) {
                case TIMEOUT -> "no answer within " + timeout.toMillis() + " ms";
                case CONNECT -> "cannot connect to " + uri.getHost() + ":" + port(uri);
                case INTERRUPTED -> "interrupted";
                case OTHER -> reply.failure().get().name();
            };
            return new Answer(0, "", call + ": " + why);
        }
        String reason = switch (reply.status()) {
            case 200 -> "HTTP 200";
            case 401 -> call + ": HTTP 401, wrong username or password";
            default -> call + ": HTTP " + reply.status();
        };
        return new Answer(reply.status(), reply.body(), reason);
    }

    /** The workspace's client: its base URL, and basic auth when it has a password; kept until they change. */
    OpenCodeRestClient client(Workspace workspace) {
        Target target = new Target(workspace.url(), workspace.username(), workspace.password());
        return clients.get(workspace.name(), target, () -> {
            var builder = RestClients.builder(target.url(), timeout, timeout, null);
            target.password().ifPresent(pw -> builder.register(
                    new FixedHeaders(Map.of("Authorization", basicAuth(target.username(), pw)))));
            return builder.build(OpenCodeRestClient.class);
        });
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The value of an HTTP basic {@code Authorization} header. */
    public static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
