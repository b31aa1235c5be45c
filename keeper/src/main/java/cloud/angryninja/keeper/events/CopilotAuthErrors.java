package cloud.angryninja.keeper.events;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Decides whether an OpenCode event reports a Copilot request refused for its credential. OpenCode
 * 1.18.33 reports a failed model call on {@code GET /global/event} as
 * <pre>{"directory":…,"payload":{"type":"session.error","properties":{"sessionID":…,
 *   "error":{"name":"APIError","data":{"statusCode":401,"message":…,
 *     "metadata":{"url":"https://api.githubcopilot.com/chat/completions"}}}}}}</pre>
 * ({@code payload} wraps the event on the global stream; an instance's own {@code /event} sends
 * it bare). Only 401, 403 and 429 count, and only when the failing URL is a Copilot one. On a 429
 * (quota, {@code user_weekly_rate_limited}) OpenCode 1.18.33 first retries: it sends
 * {@code session.status} {@code retry} events without a status code (measured: 5 retries, about
 * 75 s, or one retry and nothing more for as long as a long {@code retry-after} says), then the same
 * {@code session.error} with {@code statusCode: 429}. Both count: the retries through
 * {@link CopilotRefusals}, which reads a stream event by event.
 */
public final class CopilotAuthErrors {

    /** The statuses counted: revoked or expired (401), no entitlement (403), rate-limited (429). */
    public static final List<Integer> STATUSES = List.of(401, 403, 429);

    private static final ObjectMapper JSON = new ObjectMapper();

    private CopilotAuthErrors() {
    }

    /** The 401/403/429 of a Copilot call this event data reports, if it reports one. */
    public static Optional<Integer> status(String eventData, URI copilotApi) {
        if (!eventData.contains("session.error")) {
            return Optional.empty(); // most events are message deltas: not worth parsing
        }
        JsonNode root;
        try {
            root = JSON.readTree(eventData);
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
        return root == null ? Optional.empty() : status(root, copilotApi);
    }

    static Optional<Integer> status(JsonNode root, URI copilotApi) {
        JsonNode event = root.has("payload") ? root.path("payload") : root;
        if (!"session.error".equals(event.path("type").asText())) {
            return Optional.empty();
        }
        JsonNode error = event.path("properties").path("error");
        if (!"APIError".equals(error.path("name").asText())) {
            return Optional.empty();
        }
        int status = error.path("data").path("statusCode").asInt(0);
        if (!STATUSES.contains(status)) {
            return Optional.empty();
        }
        String url = error.path("data").path("metadata").path("url").asText("");
        return isCopilotUrl(url, copilotApi) ? Optional.of(status) : Optional.empty();
    }

    /**
     * A Copilot URL: same host and port as {@code keeper.copilot.api-url}, a host under
     * {@code githubcopilot.com}, or an enterprise {@code copilot-api.<domain>} host.
     */
    static boolean isCopilotUrl(String url, URI copilotApi) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (copilotApi.getHost() != null && host.equals(copilotApi.getHost().toLowerCase(Locale.ROOT))
                && port(uri) == port(copilotApi)) {
            return true;
        }
        return host.equals("githubcopilot.com") || host.endsWith(".githubcopilot.com") || host.startsWith("copilot-api.");
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    }
}
