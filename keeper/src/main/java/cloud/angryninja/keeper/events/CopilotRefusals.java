package cloud.angryninja.keeper.events;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one workspace's event stream says about refused Copilot requests, event by event: a {@code session.error}
 * with a Copilot 401, 403 or 429 ({@link CopilotAuthErrors}), and a {@code session.status} retry that reports a
 * Copilot rate limit or quota. OpenCode 1.18.33 retries a 429 itself and honours its {@code retry-after}: with a
 * long one (a quota reset days away) it sends one
 * <pre>{"payload":{"type":"session.status","properties":{"sessionID":…,"status":{"type":"retry","attempt":1,
 *   "message":"Sorry, you have been rate-limited. …","next":&lt;epoch ms&gt;}}}}</pre>
 * and no {@code session.error} for as long as the wait lasts (recorded from the real server:
 * {@code src/test/resources/opencode-events/prompt-429-quota.sse}). The retry carries no status code and no URL, so
 * it counts as a 429 when its message names a rate limit or quota and the session's model is a Copilot one, as the
 * session's last {@code message.updated} says ({@code providerID} of an assistant message, {@code model.providerID}
 * of a user's). One instance per stream; not thread-safe (a stream is read by one thread).
 */
final class CopilotRefusals {

    /** Retry messages that report a rate limit or a quota (OpenCode passes the provider's error message on). */
    static final Pattern RATE_LIMIT = Pattern.compile("(?i)\\b429\\b|rate[ _-]?limit|too many requests|quota|usage limit");

    /** Sessions whose provider is remembered; the oldest is forgotten beyond this. */
    static final int SESSIONS = 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI copilotApi;
    private final Map<String, String> providers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > SESSIONS;
        }
    };

    CopilotRefusals(URI copilotApi) {
        this.copilotApi = copilotApi;
    }

    /** The refusal status (401, 403 or 429) this event reports, if any; remembers the provider of a session. */
    Optional<Integer> status(String eventData) {
        if (eventData.contains("session.error")) {
            return CopilotAuthErrors.status(eventData, copilotApi);
        }
        boolean message = eventData.contains("message.updated");
        boolean retry = eventData.contains("session.status") && eventData.contains("\"retry\"");
        if (!message && !retry) {
            return Optional.empty(); // most events are parts and deltas: not worth parsing
        }
        JsonNode root;
        try {
            root = JSON.readTree(eventData);
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (root == null) {
            return Optional.empty();
        }
        JsonNode event = root.has("payload") ? root.path("payload") : root;
        String type = event.path("type").asText();
        if (type.equals("message.updated")) {
            remember(event.path("properties").path("info"));
            return Optional.empty();
        }
        if (type.equals("session.status")) {
            return retryStatus(event.path("properties"));
        }
        return Optional.empty();
    }

    private void remember(JsonNode info) {
        String session = info.path("sessionID").asText("");
        String provider = info.path("providerID").asText(info.path("model").path("providerID").asText(""));
        if (!session.isEmpty() && !provider.isEmpty()) {
            providers.put(session, provider);
        }
    }

    private Optional<Integer> retryStatus(JsonNode properties) {
        JsonNode status = properties.path("status");
        if (!"retry".equals(status.path("type").asText())) {
            return Optional.empty();
        }
        String provider = providers.getOrDefault(properties.path("sessionID").asText(""), "");
        boolean copilot = provider.startsWith("github-copilot");
        return copilot && RATE_LIMIT.matcher(status.path("message").asText("")).find() ? Optional.of(429) : Optional.empty();
    }
}
