package cloud.angryninja.keeper.reseed;

import java.time.Duration;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Deadlines of the reseed steps that wait on the cluster and on the workspace. */
@ConfigMapping(prefix = "keeper.reseed")
public interface ReseedConfig extends CheckedConfig {

    /** How long ESO may take to sync a workspace's ExternalSecret after the keeper forced it. */
    @WithDefault("120s")
    Duration syncTimeout();

    /** How long a workspace's Deployment may take to roll out (kubectl rollout status semantics). */
    @WithDefault("300s")
    Duration rolloutTimeout();

    /**
     * How long to wait for Stakater Reloader to start the rollout itself, for a Deployment it watches,
     * before the keeper restarts it; counted inside {@link #rolloutTimeout()}.
     */
    @WithDefault("15s")
    Duration reloaderGrace();

    /**
     * How long the verify-after step keeps probing a workspace after its rollout completed (OpenCode up, provider
     * loaded, the new credential in the Secret and accepted by Copilot, the running generation rolled out after the
     * Secret held it) before it reports the state it saw.
     */
    @WithDefault("60s")
    Duration verifyTimeout();

    /** Time between two probes of the verify-after step. */
    @WithDefault("2s")
    Duration verifyInterval();

    @Override
    default void check(ConfigCheck check) {
        check.positive("sync-timeout", syncTimeout())
                .positive("rollout-timeout", rolloutTimeout())
                .positive("reloader-grace", reloaderGrace())
                .positive("verify-timeout", verifyTimeout())
                .positive("verify-interval", verifyInterval());
    }
}
