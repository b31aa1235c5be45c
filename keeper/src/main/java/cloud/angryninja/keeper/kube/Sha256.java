package cloud.angryninja.keeper.kube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lower-case hex: how the keeper compares secret values without holding them in reports. */
public final class Sha256 {

    private Sha256() {
    }

    public static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** First 12 hex characters: short enough for a log line, long enough to tell values apart. */
    public static String shortHex(String sha256Hex) {
        return sha256Hex.substring(0, Math.min(12, sha256Hex.length()));
    }
}
