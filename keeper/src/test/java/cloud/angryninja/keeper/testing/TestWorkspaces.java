package cloud.angryninja.keeper.testing;

import java.net.URI;
import java.util.Optional;

import cloud.angryninja.keeper.workspace.Workspace;

/** Workspaces for tests, named as the keeper names a workspace's objects by default. */
public final class TestWorkspaces {

    private TestWorkspaces() {
    }

    /**
     * Workspace {@code name} at {@code url} in {@code namespace}: user {@code opencode}, Deployment and ExternalSecret
     * {@code name-copilot}, Secret {@code name-copilot} with key {@code COPILOT_AUTH_JSON}, the default Doppler secret, the report
     * token in {@code name-secret}.
     */
    public static Workspace named(String name, String url, Optional<String> password, String namespace) {
        return new Workspace(name, URI.create(url), "opencode", password, namespace, name, Workspace.defaultCredentialSecret(name),
                Workspace.defaultCredentialSecret(name), "COPILOT_AUTH_JSON", Workspace.defaultDopplerSecret(name));
    }

    /** {@link #named(String, String, Optional, String)} without a password, in namespace {@code opencode}. */
    public static Workspace named(String name, String url) {
        return named(name, url, Optional.empty(), "opencode");
    }
}
