package cloud.angryninja.keeper.sandbox;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.quarkus.arc.profile.IfBuildProfile;

import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Dev sandbox: one made-up Copilot token per workspace, and which of them the Copilot stand-in
 * treats as revoked.
 */
@IfBuildProfile("dev")
@Singleton
public class SandboxCredentials {

    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    public SandboxCredentials(Workspaces workspaces) {
        for (Workspace w : workspaces.all()) {
            tokens.put(w.name(), "gho_sandbox" + w.name().replace("-", "") + Long.toHexString(System.nanoTime()));
        }
    }

    /** The workspace's pod now runs with this auth.json: its token is the one revoke and restore act on. */
    public void use(String workspace, String authJson) {
        try {
            tokens.put(workspace, cloud.angryninja.keeper.copilot.AuthJson.parse(authJson).refresh());
        } catch (IllegalArgumentException e) {
            // an auth.json without a usable credential: the stand-in keeps the old token
        }
    }

    /** The sandbox auth.json made for the workspace at start (its token may have changed since, by a reseed). */
    public String authJson(String workspace) {
        String token = tokens.get(workspace);
        return "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + token + "\",\"access\":\"" + token + "\",\"expires\":0}}";
    }

    public String fingerprint(String workspace) {
        return cloud.angryninja.keeper.copilot.CopilotCredential.fingerprint(tokens.get(workspace));
    }

    public boolean knows(String workspace) {
        return tokens.containsKey(workspace);
    }

    public void revoke(String workspace) {
        revoked.add(tokens.get(workspace));
    }

    public void restore(String workspace) {
        revoked.remove(tokens.get(workspace));
    }

    public boolean isRevoked(String workspace) {
        return revoked.contains(tokens.get(workspace));
    }

    /** Every workspace whose current token is the workspace's own (itself included): a revoke reaches them all. */
    public java.util.List<String> holdingSameToken(String workspace) {
        String token = tokens.get(workspace);
        return tokens.entrySet().stream().filter(e -> e.getValue().equals(token)).map(Map.Entry::getKey).sorted().toList();
    }

    /** The workspace a token belongs to, when it is one of the sandbox tokens. */
    public Optional<String> owner(String token) {
        return tokens.entrySet().stream().filter(e -> e.getValue().equals(token)).map(Map.Entry::getKey).findFirst();
    }

    /** A sandbox token (one made here, or any {@code gho_sandbox…} sent to a reseed) that is not revoked. */
    public boolean accepts(String token) {
        return (owner(token).isPresent() || token.startsWith(NEW_TOKEN_PREFIX)) && !revoked.contains(token);
    }

    /** Tokens with this prefix are valid in the sandbox: what a reseed against it sends. */
    public static final String NEW_TOKEN_PREFIX = "gho_sandbox";
}
