package cloud.angryninja.keeper.opencode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.probe.ProbeConfig;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * The calls the keeper makes to an OpenCode server, with HTTP basic auth and a per-call deadline: the read-only
 * probes {@code GET /global/health}, {@code GET /config/providers} and {@code GET /project/current}, and the two writes of a live reseed,
 * {@code PUT /auth/github-copilot} and {@code POST /instance/dispose}.
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

    private final HttpClient http;
    private final Duration timeout;

    @Inject
    public OpenCodeClient(HttpClient http, ProbeConfig config) {
        this(http, config.timeout());
    }

    public OpenCodeClient(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    public Health health(Workspace workspace) {
        Answer a = get(workspace, "/global/health");
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
        Answer a = get(workspace, "/api/health");
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
        Answer a = get(workspace, "/config/providers");
        if (a.status != 200) {
            return new Provider(false, 0, a.reason);
        }
        try {
            return copilotProvider(JSON.readTree(a.body));
        } catch (IOException e) {
            return new Provider(false, 0, "GET /config/providers: HTTP 200 but the body is not JSON");
        }
    }

    public Project project(Workspace workspace) {
        Answer a = get(workspace, "/project/current");
        if (a.status != 200) {
            return new Project(Optional.empty(), a.reason);
        }
        try {
            return project(JSON.readTree(a.body));
        } catch (IOException e) {
            return new Project(Optional.empty(), "GET /project/current: HTTP 200 but the body is not JSON");
        }
    }

    /** Pure: reads {@code {"id":..., "worktree":..., "vcs":"git"}}; OpenCode 1.18.33 leaves {@code vcs} out for no repository. */
    static Project project(JsonNode body) {
        String id = body.path("id").asText("");
        String worktree = printable(body.path("worktree").asText(""));
        if (id.isEmpty()) {
            return new Project(Optional.empty(), "GET /project/current: no project in the answer");
        }
        String vcs = body.path("vcs").asText("");
        if (vcs.equals("git")) {
            return new Project(Optional.of(true), "OpenCode sees the git repository at " + worktree);
        }
        if (!vcs.isEmpty()) {
            return new Project(Optional.empty(), "OpenCode reports version control " + printable(vcs) + " at " + worktree);
        }
        return new Project(Optional.of(false), "OpenCode sees no repository (project " + ("global".equals(id) ? "global" : "without vcs")
                + ", worktree " + worktree + "): no git on the server's PATH, or its working directory is not a clone");
    }

    /** At most 200 printable characters of a value the server sent, for a reason. */
    private static String printable(String value) {
        String clean = value.codePoints().filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    /** Pure: reads {@code {"providers":[{"id":..., "models":{...}}]}}. */
    static Provider copilotProvider(JsonNode body) {
        JsonNode providers = body.path("providers");
        if (!providers.isArray()) {
            return new Provider(false, 0, "GET /config/providers: no providers list in the answer");
        }
        for (JsonNode p : providers) {
            if (COPILOT_PROVIDER.equals(p.path("id").asText())) {
                int models = p.path("models").size();
                if (!p.path("options").has("apiKey")) {
                    // opencode.json alone (source "config") makes OpenCode list the provider; only a
                    // credential from auth.json (or GITHUB_TOKEN) puts an apiKey into its options.
                    return new Provider(false, 0, COPILOT_PROVIDER + " is configured but has no credential:"
                            + " auth.json missing, unreadable or without a " + COPILOT_PROVIDER + " entry when the instance started");
                }
                return models > 0
                        ? new Provider(true, models, COPILOT_PROVIDER + " loaded with " + models + " models")
                        : new Provider(false, 0, COPILOT_PROVIDER + " is listed without models");
            }
        }
        return new Provider(false, 0, COPILOT_PROVIDER + " is not loaded: auth.json missing, unreadable or without a "
                + COPILOT_PROVIDER + " entry when the instance started");
    }

    /**
     * {@code PUT /auth/github-copilot}: OpenCode stores the entry in its auth.json; the Copilot plugin reads it at each
     * request. {@code entryJson} is the bare entry ({@code {"type":"oauth","refresh":...}}), a secret: never logged.
     */
    public Change setCopilotAuth(Workspace workspace, String entryJson) {
        return change(send(workspace, "PUT", "/auth/" + COPILOT_PROVIDER, HttpRequest.BodyPublishers.ofString(entryJson)));
    }

    /** {@code POST /instance/dispose}: the next request starts a new instance, which loads the providers again. */
    public Change disposeInstance(Workspace workspace) {
        return change(send(workspace, "POST", "/instance/dispose", HttpRequest.BodyPublishers.noBody()));
    }

    private static Change change(Answer a) {
        if (a.status != 200) {
            return new Change(false, a.reason);
        }
        return "true".equals(a.body.strip()) ? new Change(true, "HTTP 200 true") : new Change(false, "HTTP 200 without true");
    }

    private record Answer(int status, String body, String reason) {
    }

    private Answer get(Workspace workspace, String path) {
        return send(workspace, "GET", path, HttpRequest.BodyPublishers.noBody());
    }

    private Answer send(Workspace workspace, String method, String path, HttpRequest.BodyPublisher body) {
        URI uri = workspace.endpoint(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .method(method, body);
        if (!"GET".equals(method)) {
            request.header("Content-Type", "application/json");
        }
        workspace.password().ifPresent(pw -> request.header("Authorization", basicAuth(workspace.username(), pw)));
        String call = method + " " + path;
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String reason = switch (r.statusCode()) {
                case 200 -> "HTTP 200";
                case 401 -> call + ": HTTP 401, wrong username or password";
                default -> call + ": HTTP " + r.statusCode();
            };
            return new Answer(r.statusCode(), r.body(), reason);
        } catch (HttpTimeoutException e) {
            return new Answer(0, "", call + ": no answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new Answer(0, "", call + ": cannot connect to " + uri.getHost() + ":" + port(uri));
        } catch (IOException e) {
            return new Answer(0, "", call + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "", call + ": interrupted");
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The value of an HTTP basic {@code Authorization} header. */
    public static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
