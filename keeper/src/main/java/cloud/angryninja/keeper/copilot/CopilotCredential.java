package cloud.angryninja.keeper.copilot;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code github-copilot} entry of an auth.json: the token OpenCode sends as
 * {@code Authorization: Bearer}, and the GitHub Enterprise domain when there is one.
 *
 * @param refresh       the token OpenCode sends to the Copilot API; a secret
 * @param enterpriseUrl bare GitHub Enterprise domain (e.g. {@code ghe.example.com}), when set
 */
public record CopilotCredential(String refresh, Optional<String> enterpriseUrl) {

    public CopilotCredential {
        requireToken("refresh", refresh);
        enterpriseUrl = enterpriseUrl == null ? Optional.empty() : enterpriseUrl.map(CopilotCredential::enterpriseDomain);
    }

    /** Longest token accepted: GitHub's tokens are 40-100 characters, Copilot's {@code tid=} access tokens under 1 KiB. */
    public static final int MAX_TOKEN_LENGTH = 4096;

    /** Longest DNS name (RFC 1035). */
    static final int MAX_DOMAIN_LENGTH = 253;

    private static final Pattern LABEL = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** Pure: a token is 1 to {@link #MAX_TOKEN_LENGTH} visible ASCII characters (0x21-0x7e: no space, no control). */
    public static boolean isToken(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_TOKEN_LENGTH
                && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    /** @throws AuthJsonException naming the field (never its value) when it is no {@link #isToken token} */
    static void requireToken(String field, String value) {
        if (!isToken(value)) {
            throw new AuthJsonException(CopilotEntry.field(field) + " must be 1 to " + MAX_TOKEN_LENGTH
                    + " visible ASCII characters (no space, control or non-ASCII character)");
        }
    }

    /**
     * OpenCode 1.18.33's normalisation of {@code enterpriseUrl}, applied before every use: a leading {@code http://} or
     * {@code https://} (lower case only) and one trailing {@code /} removed, nothing else.
     */
    public static String openCodeNormalised(String url) {
        return url.replaceFirst("^https?://", "").replaceFirst("/$", "");
    }

    /** Pure: a bare DNS name: dot-separated labels of letters, digits and inner hyphens, at least two, the last not all digits. */
    public static boolean isBareDomain(String d) {
        if (d == null || d.isEmpty() || d.length() > MAX_DOMAIN_LENGTH) {
            return false;
        }
        String[] labels = d.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /**
     * {@code https://ghe.example.com/} -> {@code ghe.example.com}, as OpenCode normalises it; anything that is then not a
     * bare DNS name (a scheme left, user info, a port, a path, a query, an IP address, empty) is refused.
     *
     * @throws AuthJsonException naming the field, never quoting it
     */
    public static String enterpriseDomain(String url) {
        String d = url == null ? null : openCodeNormalised(url);
        if (!isBareDomain(d)) {
            throw new AuthJsonException(CopilotEntry.field("enterpriseUrl")
                    + " must be a bare GitHub Enterprise domain such as ghe.example.com (optionally with https:// and a trailing /):"
                    + " no user info, port, path, query or IP address");
        }
        return d;
    }

    /** First 12 hex characters of SHA-256 of the refresh token: how logs, metrics and responses name it. */
    public String fingerprint() {
        return fingerprint(refresh);
    }

    public static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The Copilot API base: {@code https://copilot-api.<enterpriseUrl>} for Enterprise, else {@code defaultApi}. */
    public URI baseUrl(URI defaultApi) {
        return enterpriseUrl.map(d -> URI.create("https://copilot-api." + d)).orElse(defaultApi);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "CopilotCredential[fingerprint=" + fingerprint() + enterpriseUrl.map(d -> ", enterprise=" + d).orElse("") + "]";
    }
}
