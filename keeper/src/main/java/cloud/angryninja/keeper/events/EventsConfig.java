package cloud.angryninja.keeper.events;

import java.time.Duration;

import cloud.angryninja.keeper.config.PositiveDuration;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.events.*}: the OpenCode event streams the keeper listens to for failing Copilot calls. */
@ConfigMapping(prefix = "keeper.events")
@BackoffBounds
public interface EventsConfig {

    /** Listen to each workspace's {@code GET /global/event}. */
    @WithDefault("true")
    boolean enabled();

    /** Wait before the first reconnect after a stream dropped or could not be opened; doubles up to {@link #backoffMax()}. */
    @WithDefault("1s")
    @PositiveDuration
    Duration backoffInitial();

    /** Longest wait between two connection attempts. */
    @WithDefault("60s")
    @PositiveDuration
    Duration backoffMax();

    /**
     * A stream silent this long is dropped and reopened. OpenCode 1.18 sends {@code server.heartbeat}
     * every 10 s, so silence means a dead connection.
     */
    @WithDefault("35s")
    @PositiveDuration
    Duration idleTimeout();
}
