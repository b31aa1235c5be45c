package cloud.angryninja.keeper.doppler;

import java.time.Duration;
import java.util.Optional;

import cloud.angryninja.keeper.config.CheckedConfig;
import cloud.angryninja.keeper.config.ConfigCheck;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the workspaces' credentials live in Doppler, and how hard to try when Doppler is slow or busy.
 * Token, project and config are optional at start-up: a reseed without them fails with a message naming the key.
 */
@ConfigMapping(prefix = "keeper.doppler")
public interface DopplerConfig extends CheckedConfig {

    /** Base URL of the Doppler API. */
    @WithDefault("https://api.doppler.com")
    String apiUrl();

    /** Doppler service token with write access to the config. Never logged. */
    Optional<String> token();

    /** Doppler project that holds the workspaces' secrets. */
    Optional<String> project();

    /** Doppler config (environment) inside the project. */
    Optional<String> config();

    /** Connect timeout of one request. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Read timeout of one request; a timed-out request is retried. */
    @WithDefault("10s")
    Duration requestTimeout();

    /** Retries after the first attempt on 429, 5xx, timeouts and connection errors. */
    @WithDefault("4")
    int maxRetries();

    /** First backoff delay; doubles per retry up to {@link #maxRetryDelay()}. */
    @WithDefault("500ms")
    Duration retryDelay();

    /** Upper bound of one backoff delay. */
    @WithDefault("8s")
    Duration maxRetryDelay();

    /** Longest {@code Retry-After} honoured; a longer one fails at once instead of stalling the reseed. */
    @WithDefault("60s")
    Duration maxRetryAfter();

    /** Upper bound of all attempts of one call together, backoff included. */
    @WithDefault("120s")
    Duration retryMaxDuration();

    @Override
    default void check(ConfigCheck check) {
        check.positive("connect-timeout", connectTimeout())
                .positive("request-timeout", requestTimeout())
                .notNegative("max-retries", maxRetries())
                .positive("retry-delay", retryDelay())
                .positive("max-retry-delay", maxRetryDelay())
                .positive("max-retry-after", maxRetryAfter())
                .positive("retry-max-duration", retryMaxDuration());
    }
}
