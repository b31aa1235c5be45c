package cloud.angryninja.keeper.github;

import java.net.URI;
import java.time.Duration;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code keeper.github.*}: GitHub's REST API, asked with a workspace's own Copilot token (the account
 * behind a credential, its Copilot quota). A GitHub Enterprise credential is asked at its own
 * domain's API instead ({@code https://<enterpriseUrl>/api/v3}).
 */
@ConfigMapping(prefix = "keeper.github")
public interface GitHubApiConfig extends CheckedConfig {

    /** GitHub's REST API. */
    @WithDefault("https://api.github.com")
    URI apiUrl();

    /** Deadline of one call to it. */
    @WithDefault("10s")
    Duration timeout();

    @Override
    default void check(ConfigCheck check) {
        check.positive("timeout", timeout());
    }
}
