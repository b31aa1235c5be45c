package cloud.angryninja.keeper.events;

import java.time.Duration;
import java.util.Optional;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.events.*}: the OpenCode event streams the keeper listens to for failing Copilot calls. */
@ConfigMapping(prefix = "keeper.events")
public interface EventsConfig extends CheckedConfig {

    /** Listen to each workspace's {@code GET /global/event}. */
    @WithDefault("true")
    boolean enabled();

    /** Wait before the first reconnect after a stream dropped or could not be opened; doubles up to {@link #backoffMax()}. */
    @WithDefault("1s")
    Duration backoffInitial();

    /** Longest wait between two connection attempts. */
    @WithDefault("60s")
    Duration backoffMax();

    /**
     * A stream silent this long is dropped and reopened. OpenCode 1.18 sends {@code server.heartbeat}
     * every 10 s, so silence means a dead connection.
     */
    @WithDefault("35s")
    Duration idleTimeout();

    @Override
    default void check(ConfigCheck check) {
        check.positive("backoff-initial", backoffInitial())
                .positive("backoff-max", backoffMax())
                .positive("idle-timeout", idleTimeout());
        if (backoffInitial().isPositive() && backoffMax().isPositive() && backoffMax().compareTo(backoffInitial()) < 0) {
            // once each is valid on its own: one message per bad setting
            check.mapping(Optional.of("backoff-max must not be shorter than backoff-initial"));
        }
    }
}
