package cloud.angryninja.keeper.sandbox.dev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The sandbox's Copilot credentials: one made-up token per workspace at start, and which tokens GitHub (the Copilot
 * and GitHub stand-ins) treats as revoked. A workspace holds the token of the auth.json its OpenCode has now (started
 * with, written by a live reseed since, or given by a restart); a revoke acts on that token, as GitHub does, so every
 * workspace holding it is revoked with it.
 */
final class SandboxCredentials {

    /** Tokens with this prefix are valid in the sandbox unless revoked: what a reseed against it sends. */
    static final String PREFIX = "gho_sandbox";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> started = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Function<String, Optional<String>> heldAuthJson;

    /** @param heldAuthJson a workspace's auth.json as its OpenCode holds it now, empty when it does not run */
    SandboxCredentials(List<SandboxWorld.Workspace> workspaces, Function<String, Optional<String>> heldAuthJson) {
        this.heldAuthJson = heldAuthJson;
        for (SandboxWorld.Workspace w : workspaces) {
            started.put(w.name(), PREFIX + w.name().replace("-", "") + Long.toHexString(System.nanoTime()));
        }
    }

    /** The auth.json the workspace starts with. */
    String initialAuthJson(String workspace) {
        String token = started.get(workspace);
        return "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + token + "\",\"access\":\"" + token + "\",\"expires\":0}}";
    }

    /** The workspace's token now: its OpenCode's auth.json, else the one it started with. */
    String token(String workspace) {
        return heldAuthJson.apply(workspace).flatMap(SandboxCredentials::refreshToken).orElse(started.get(workspace));
    }

    boolean knows(String workspace) {
        return started.containsKey(workspace);
    }

    void revoke(String workspace) {
        revoked.add(token(workspace));
    }

    void restore(String workspace) {
        revoked.remove(token(workspace));
    }

    boolean isRevoked(String workspace) {
        return revoked.contains(token(workspace));
    }

    /** Every workspace whose token is the workspace's own (itself included): a revoke reaches them all. */
    List<String> holdingSameToken(String workspace) {
        String token = token(workspace);
        return started.keySet().stream().filter(w -> token(w).equals(token)).sorted().toList();
    }

    /** A sandbox token that is not revoked. */
    boolean accepts(String token) {
        return token.startsWith(PREFIX) && !revoked.contains(token);
    }

    /** How the keeper names a credential: the first 12 hex characters of the SHA-256 of its refresh token. */
    String fingerprint(String workspace) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token(workspace).getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Optional<String> refreshToken(String authJson) {
        try {
            return Optional.ofNullable(JSON.readTree(authJson).path("github-copilot").path("refresh").textValue())
                    .filter(t -> !t.isBlank());
        } catch (IOException e) {
            return Optional.empty(); // an auth.json being written, or without a usable credential: the token it started with
        }
    }
}
