package cloud.angryninja.keeper.kube;

import java.util.Objects;

/**
 * Which ExternalSecret to force, and what its target Secret must hold afterwards.
 *
 * @param namespace      namespace of the ExternalSecret and its Secret
 * @param externalSecret name of the ExternalSecret
 * @param secret         name of the Secret ESO writes
 * @param key            key inside the Secret
 * @param expectedSha256 lower-case hex SHA-256 of the value the key must hold
 */
public record SyncRequest(String namespace, String externalSecret, String secret, String key, String expectedSha256) {

    public SyncRequest {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(externalSecret, "externalSecret");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expectedSha256, "expectedSha256");
        if (!expectedSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("expectedSha256 must be 64 lower-case hex characters");
        }
    }

    /** Request built from the expected value itself; only its hash is kept. */
    public static SyncRequest expecting(String namespace, String externalSecret, String secret, String key, String expectedValue) {
        return new SyncRequest(namespace, externalSecret, secret, key, Sha256.hex(expectedValue));
    }

    /** {@code namespace/externalSecret}. */
    public String externalSecretRef() {
        return namespace + "/" + externalSecret;
    }
}
