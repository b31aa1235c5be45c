package cloud.angryninja.keeper.copilot;

import java.net.URI;
import java.time.Duration;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code keeper.copilot.*}: where and how the credential check calls the Copilot API. */
@ConfigMapping(prefix = "keeper.copilot")
public interface CopilotConfig extends CheckedConfig {

    /** Copilot API base for credentials without an enterpriseUrl. */
    @WithDefault("https://api.githubcopilot.com")
    URI apiUrl();

    /** Whole-call deadline of one {@code GET /models}. */
    @WithDefault("10s")
    Duration timeout();

    /** Value of the {@code X-GitHub-Api-Version} header, as OpenCode 1.18 sends it. */
    @WithDefault("2026-06-01")
    String apiVersion();

    @Override
    default void check(ConfigCheck check) {
        check.positive("timeout", timeout());
    }
}
