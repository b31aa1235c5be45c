package cloud.angryninja.keeper.copilot;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The {@code github-copilot} entry of an auth.json: the token OpenCode sends as
 * {@code Authorization: Bearer}, and the GitHub Enterprise domain when there is one.
 *
 * @param refresh       the token OpenCode sends to the Copilot API; a secret
 * @param enterpriseUrl bare GitHub Enterprise domain (e.g. {@code ghe.example.com}), when set
 */
public record CopilotCredential(String refresh, Optional<String> enterpriseUrl) {

    public CopilotCredential {
        if (refresh == null || refresh.isBlank()) {
            throw new IllegalArgumentException("the github-copilot credential has no refresh token");
        }
        enterpriseUrl = enterpriseUrl == null ? Optional.empty()
                : enterpriseUrl.map(CopilotCredential::bareDomain).filter(d -> !d.isEmpty());
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

    /** {@code https://ghe.example.com/} -> {@code ghe.example.com}, as OpenCode normalises it. */
    static String bareDomain(String url) {
        String d = url.trim().replaceFirst("(?i)^https?://", "");
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "CopilotCredential[fingerprint=" + fingerprint() + enterpriseUrl.map(d -> ", enterprise=" + d).orElse("") + "]";
    }
}
