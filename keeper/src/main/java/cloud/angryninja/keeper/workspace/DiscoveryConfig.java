package cloud.angryninja.keeper.workspace;

import java.time.Duration;
import java.util.List;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.discovery.*}: workspaces found at run time from labelled Deployments. */
@ConfigMapping(prefix = "keeper.discovery")
public interface DiscoveryConfig extends CheckedConfig {

    /** Watch Deployments labelled {@value WorkspaceLabels#WORKSPACE}. Off unless set. */
    @WithDefault("false")
    boolean enabled();

    /** Namespaces whose labelled Deployments become workspaces. */
    @WithDefault("opencode")
    List<String> namespaces();

    /**
     * How often every labelled Deployment is looked at again even without a change, which re-reads
     * the OpenCode password from its Secret (a rotated password is picked up within this time).
     */
    @WithDefault("5m")
    Duration resync();

    @Override
    default void check(ConfigCheck check) {
        check.positive("resync", resync());
    }
}
