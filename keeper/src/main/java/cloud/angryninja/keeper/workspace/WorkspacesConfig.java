package cloud.angryninja.keeper.workspace;

import java.util.Map;
import java.util.Optional;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * {@code keeper.workspaces.<name>.<field>}: the workspaces the keeper watches. Defaults that depend
 * on the name (deployment, external secret and secret {@code <name>-copilot}, Doppler secret, report-token secret
 * {@code <name>-secret}) are resolved by {@link Workspaces}.
 */
@ConfigMapping(prefix = "keeper.workspaces")
public interface WorkspacesConfig extends CheckedConfig {

    @WithParentName
    Map<String, Entry> entries();

    @Override
    default void check(ConfigCheck check) {
        if (entries().isEmpty()) {
            check.mapping(Optional.of("has no workspace: set keeper.workspaces.<name>.url for at least one workspace"));
        }
        entries().forEach((name, entry) -> {
            check.that(name, Workspaces.isValidName(name),
                    () -> "is not a valid workspace name: a DNS label (lower-case letters, digits and '-', at most 63 characters)");
            entry.check(check.under(name));
        });
    }

    interface Entry {
        /**
         * OpenCode base URL; required, and an absolute http(s) URL with a host and no user info (checked with every other
         * setting at start-up, and by {@link Workspaces}).
         */
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

        /** A default method, as {@link CheckedConfig#check}: not a setting. */
        default void check(ConfigCheck check) {
            Optional<String> url = url().filter(u -> !u.isBlank());
            check.setting("url", url.isEmpty()
                    ? Optional.of("is required: the OpenCode base URL of the workspace, e.g. http://opencode-flux.opencode:4096")
                    : Workspaces.httpUrl(url.get()).isPresent() ? Optional.empty()
                            : Optional.of("is not an absolute http(s) URL with a host and no user info"));
        }
    }
}
