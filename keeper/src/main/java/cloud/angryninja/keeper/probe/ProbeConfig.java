package cloud.angryninja.keeper.probe;

import java.time.Duration;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.probe.*}: how often and how hard the workspaces are probed. */
@ConfigMapping(prefix = "keeper.probe")
public interface ProbeConfig extends CheckedConfig {

    /** Time between two probe cycles. */
    @WithDefault("60s")
    Duration interval();

    /** Deadline of each OpenCode call (the Copilot call has {@code keeper.copilot.timeout}). */
    @WithDefault("10s")
    Duration timeout();

    /** Workspaces probed at the same time; each runs its three probes in parallel. */
    @WithDefault("64")
    int concurrency();

    /**
     * Wait before the second check that confirms a 401 or 403 of the Copilot API. GitHub answers a
     * single transient 401 for a valid token now and then: until the second check refuses too, the
     * refusal is only counted ({@code opencode_keeper_copilot_unconfirmed_refusals_total}).
     */
    @WithDefault("5s")
    Duration confirmDelay();

    /** {@code rate_limited} holds while OpenCode reported a Copilot request refused with 429 within this window. */
    @WithDefault("15m")
    Duration rateLimitWindow();

    /** OpenCode versions the keeper can judge (see {@link VersionRange}); any other is {@code unsupported}. */
    @WithDefault(">=1.18 <2")
    String supportedVersions();

    @Override
    default void check(ConfigCheck check) {
        check.positive("interval", interval())
                .positive("timeout", timeout())
                .positive("concurrency", concurrency())
                .notNegative("confirm-delay", confirmDelay())
                .positive("rate-limit-window", rateLimitWindow())
                .setting("supported-versions", VersionRange.problem(supportedVersions()));
    }
}
