package cloud.angryninja.keeper.login;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.copilot.AuthJson;

/**
 * Pure: GitHub's OAuth device flow as OpenCode 1.18.33 runs it (RFC 8628). Reads GitHub's answers, computes the waits
 * and writes the auth.json entry OpenCode would write. Messages name what went wrong, never a device code or token.
 */
public final class DeviceFlow {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

    /** RFC 8628: the interval when GitHub names none. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");

    private DeviceFlow() {
    }

    /**
     * GitHub's answer to {@code POST /login/device/code}.
     *
     * @param deviceCode      what the keeper polls with; a secret
     * @param userCode        what the person enters; shown to them
     * @param verificationUri where they enter it
     * @param expiresIn       how long both codes live
     * @param interval        the least time between two polls
     */
    public record DeviceCode(String deviceCode, String userCode, URI verificationUri, Duration expiresIn, Duration interval) {

        /** Never prints the device code. */
        @Override
        public String toString() {
            return "DeviceCode[verificationUri=" + verificationUri + ", expiresIn=" + expiresIn + ", interval=" + interval + "]";
        }
    }

    /** One answer of the token endpoint. */
    public sealed interface Answer {
    }

    /** The person entered the code: the access token, a secret. */
    public record Token(String accessToken) implements Answer {
        @Override
        public String toString() {
            return "Token[***]";
        }
    }

    /** {@code authorization_pending}: not entered yet. */
    public record Pending() implements Answer {
    }

    /** {@code slow_down}: poll less often; {@code interval} when GitHub names the new one. */
    public record SlowDown(Optional<Duration> interval) implements Answer {
    }

    /** {@code expired_token}: the codes are dead. */
    public record Expired() implements Answer {
    }

    /** {@code access_denied}: the person refused. */
    public record Denied() implements Answer {
    }

    /** Anything else GitHub answered: the flow ends. */
    public record Failed(String reason) implements Answer {
    }

    /** GitHub refused or garbled a request; the message holds no secret. */
    public static final class GitHubException extends Exception {
        public GitHubException(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads the device code answer; a non-2xx status or a body without the codes is refused. */
    public static DeviceCode deviceCode(int status, String body) throws GitHubException {
        if (status / 100 != 2) {
            JsonNode error = read(body);
            throw new GitHubException("GitHub answered HTTP " + status + " to the device code request" + errorCode(error)
                    .map(c -> " (" + c + ")").orElse(""));
        }
        JsonNode root = read(body);
        if (root == null || !root.isObject()) {
            throw new GitHubException("GitHub's device code answer is not a JSON object");
        }
        Optional<String> error = errorCode(root);
        if (error.isPresent()) {
            throw new GitHubException("GitHub refused the device code request: " + error.get());
        }
        String device = text(root, "device_code");
        String user = text(root, "user_code");
        String uri = text(root, "verification_uri");
        if (device == null || user == null || uri == null) {
            throw new GitHubException("GitHub's device code answer lacks device_code, user_code or verification_uri");
        }
        URI verification;
        try {
            verification = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new GitHubException("GitHub's verification_uri is not a URI");
        }
        if (!user.matches("[A-Za-z0-9-]{1,32}") || !"https".equalsIgnoreCase(verification.getScheme()) && !"http".equalsIgnoreCase(
                verification.getScheme())) {
            throw new GitHubException("GitHub's user_code or verification_uri has an unexpected form");
        }
        long expires = root.path("expires_in").asLong(0);
        if (expires <= 0) {
            throw new GitHubException("GitHub's device code answer has no positive expires_in");
        }
        JsonNode interval = root.get("interval");
        Duration every = interval != null && interval.canConvertToLong() && interval.asLong() >= 0 ? Duration.ofSeconds(interval.asLong())
                : DEFAULT_INTERVAL;
        return new DeviceCode(device, user, verification, Duration.ofSeconds(expires), every);
    }

    /**
     * Reads one answer of the token endpoint as OpenCode does: a non-2xx status fails; {@code access_token} is the
     * credential; {@code authorization_pending} and {@code slow_down} wait; any other error ends the flow
     * ({@code expired_token} and {@code access_denied} by name); an answer with neither waits.
     */
    public static Answer answer(int status, String body) {
        JsonNode root = readQuietly(body);
        if (status / 100 != 2) {
            return new Failed("GitHub answered HTTP " + status + errorCode(root).map(c -> " (" + c + ")").orElse(""));
        }
        if (root == null || !root.isObject()) {
            return new Failed("GitHub's token answer is not a JSON object");
        }
        String token = text(root, "access_token");
        if (token != null) {
            return new Token(token);
        }
        Optional<String> error = errorCode(root);
        if (error.isEmpty()) {
            return root.has("error") ? new Failed("GitHub answered an unreadable error") : new Pending();
        }
        return switch (error.get()) {
            case "authorization_pending" -> new Pending();
            case "slow_down" -> {
                JsonNode interval = root.get("interval");
                yield new SlowDown(interval != null && interval.isNumber() && interval.asLong() > 0
                        ? Optional.of(Duration.ofSeconds(interval.asLong())) : Optional.empty());
            }
            case "expired_token" -> new Expired();
            case "access_denied" -> new Denied();
            default -> new Failed("GitHub ended the login: " + error.get());
        };
    }

    /** The interval after a {@code slow_down}: the one GitHub names, else the current one plus {@code increase}. */
    public static Duration slowedDown(Duration interval, SlowDown answer, Duration increase) {
        return answer.interval().orElse(interval.plus(increase));
    }

    /** The wait before the next poll: the interval plus the margin (OpenCode: interval + 3 s). */
    public static Duration nextWait(Duration interval, Duration margin) {
        return interval.plus(margin);
    }

    /**
     * {@code ?enterprise=}: a GitHub Enterprise domain, as OpenCode takes it ({@code company.ghe.com},
     * {@code https://company.ghe.com/}), reduced to the bare lowercase domain; empty for github.com.
     *
     * @throws IllegalArgumentException not a domain (a path, user info, query or other characters)
     */
    public static Optional<String> enterpriseDomain(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String d = raw.trim().replaceFirst("(?i)^https?://", "");
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        d = d.toLowerCase(Locale.ROOT);
        // What the reseed stores must pass the strict github-copilot model: refused here, before GitHub makes a token
        // (each login makes one, and GitHub revokes the oldest past ten) that could not be stored.
        if (!cloud.angryninja.keeper.copilot.CopilotCredential.isBareDomain(d)) {
            throw new IllegalArgumentException("?enterprise= takes a GitHub Enterprise domain such as company.ghe.com: a bare DNS"
                    + " name, no user info, port, path, query or IP address");
        }
        if (d.equals("github.com")) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** Where the device flow runs: {@code githubUrl} for github.com, {@code scheme://domain} for an Enterprise domain. */
    public static URI host(URI githubUrl, String enterpriseScheme, Optional<String> enterprise) {
        return enterprise.map(d -> URI.create(enterpriseScheme + "://" + d)).orElse(githubUrl);
    }

    /** {@code base} + {@code path}, with one slash between. */
    public static URI join(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    /**
     * The auth.json OpenCode writes after its own device flow: {@code refresh} and {@code access} the token,
     * {@code expires} 0, and {@code enterpriseUrl} the domain for GitHub Enterprise. A secret.
     */
    public static String authJson(String token, Optional<String> enterprise) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("type", "oauth");
        entry.put("refresh", token);
        entry.put("access", token);
        entry.put("expires", 0);
        enterprise.ifPresent(d -> entry.put("enterpriseUrl", d));
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set(AuthJson.PROVIDER_ID, entry);
        return root.toString();
    }

    private static JsonNode read(String body) throws GitHubException {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw new GitHubException("GitHub's answer is not JSON");
        }
    }

    private static JsonNode readQuietly(String body) {
        try {
            return read(body);
        } catch (GitHubException e) {
            return null;
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n != null && n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }

    /** GitHub's {@code error} code, only when it has the form of one (never echoes free text). */
    private static Optional<String> errorCode(JsonNode root) {
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        String e = text(root, "error");
        return e != null && ERROR_CODE.matcher(e).matches() ? Optional.of(e) : Optional.empty();
    }

    static String shorten(String value) {
        String v = value.replaceAll("[^\\x20-\\x7e]", "?");
        return v.length() > 60 ? v.substring(0, 60) + "..." : v;
    }
}
