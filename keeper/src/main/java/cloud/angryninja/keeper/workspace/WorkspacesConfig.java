package cloud.angryninja.keeper.workspace;

import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.Size;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * {@code keeper.workspaces.<name>.<field>}: the workspaces the keeper watches. Defaults that depend
 * on the name (deployment, external secret and secret {@code <name>-copilot}, Doppler secret, report-token secret
 * {@code <name>-secret}) are resolved by {@link Workspaces}.
 */
@ConfigMapping(prefix = "keeper.workspaces")
public interface WorkspacesConfig {

    @WithParentName
    @Size(min = 1, message = "has no workspace: set keeper.workspaces.<name>.url for at least one workspace")
    Map<@WorkspaceName String, Entry> entries();

    interface Entry {
        /** OpenCode base URL; required (checked with every other setting at start-up, and by {@link Workspaces}). */
        @WorkspaceUrl
        Optional<String> url();

        @WithDefault("opencode")
        String username();

        Optional<String> password();

        @WithDefault("opencode")
        String namespace();

        Optional<String> deployment();

        Optional<String> externalSecret();

        Optional<String> secret();

        @WithDefault("COPILOT_AUTH_JSON")
        String secretKey();

        Optional<String> dopplerSecret();

        /** The Secret holding the workspace's report token (default {@code <name>-secret}). */
        Optional<String> reportTokenSecret();

        /** Its key. */
        @WithDefault(cloud.angryninja.keeper.workspace.Workspace.DEFAULT_REPORT_TOKEN_KEY)
        String reportTokenKey();
    }
}
