package cloud.angryninja.keeper.probe;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import cloud.angryninja.keeper.config.PositiveDuration;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.probe.*}: how often and how hard the workspaces are probed. */
@ConfigMapping(prefix = "keeper.probe")
public interface ProbeConfig {

    /** Time between two probe cycles. */
    @WithDefault("60s")
    @PositiveDuration
    Duration interval();

    /** Deadline of each OpenCode call (the Copilot call has {@code keeper.copilot.timeout}). */
    @WithDefault("10s")
    @PositiveDuration
    Duration timeout();

    /** Workspaces probed at the same time; each runs its three probes in parallel. */
    @WithDefault("64")
    @Positive
    int concurrency();
}
