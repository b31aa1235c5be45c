package cloud.angryninja.keeper.github;

import java.net.URI;
import java.time.Duration;

import cloud.angryninja.keeper.config.PositiveDuration;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code keeper.github.*}: GitHub's REST API, asked with a workspace's own Copilot token (the account
 * behind a credential, its Copilot quota). A GitHub Enterprise credential is asked at its own
 * domain's API instead ({@code https://<enterpriseUrl>/api/v3}).
 */
@ConfigMapping(prefix = "keeper.github")
public interface GitHubApiConfig {

    /** GitHub's REST API. */
    @WithDefault("https://api.github.com")
    URI apiUrl();

    /** Deadline of one call to it. */
    @WithDefault("10s")
    @PositiveDuration
    Duration timeout();
}
