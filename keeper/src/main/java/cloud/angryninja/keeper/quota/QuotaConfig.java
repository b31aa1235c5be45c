package cloud.angryninja.keeper.quota;

import java.time.Duration;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code keeper.quota.*}: reading each credential's Copilot quota ({@code GET {github api}/copilot_internal/user}) after
 * the probe has checked it. The API is {@code keeper.github.api-url}, or an Enterprise credential's own domain.
 */
@ConfigMapping(prefix = "keeper.quota")
public interface QuotaConfig extends CheckedConfig {

    /** Read the quota at all; off, no call is made and no quota series exists. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Least time between two calls for one credential (and API). Calls follow the probe, so never more often than
     * {@code keeper.probe.interval} either; workspaces that share a credential share the call.
     */
    @WithDefault("5m")
    Duration interval();

    @Override
    default void check(ConfigCheck check) {
        check.positive("interval", interval());
    }
}
