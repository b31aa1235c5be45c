package cloud.angryninja.keeper.doppler;

import java.time.Duration;
import java.util.Optional;

import jakarta.validation.constraints.PositiveOrZero;

import cloud.angryninja.keeper.config.PositiveDuration;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the workspaces' credentials live in Doppler, and how hard to try when Doppler is slow or busy.
 * Token, project and config are optional at start-up: a reseed without them fails with a message naming the key.
 */
@ConfigMapping(prefix = "keeper.doppler")
public interface DopplerConfig {

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
    @PositiveDuration
    Duration connectTimeout();

    /** Read timeout of one request; a timed-out request is retried. */
    @WithDefault("10s")
    @PositiveDuration
    Duration requestTimeout();

    /** Retries after the first attempt on 429, 5xx, timeouts and connection errors. */
    @WithDefault("4")
    @PositiveOrZero
    int maxRetries();

    /** First backoff delay; doubles per retry up to {@link #maxRetryDelay()}. */
    @WithDefault("500ms")
    @PositiveDuration
    Duration retryDelay();

    /** Upper bound of one backoff delay. */
    @WithDefault("8s")
    @PositiveDuration
    Duration maxRetryDelay();

    /** Longest {@code Retry-After} honoured; a longer one fails at once instead of stalling the reseed. */
    @WithDefault("60s")
    @PositiveDuration
    Duration maxRetryAfter();

    /** Upper bound of all attempts of one call together, backoff included. */
    @WithDefault("120s")
    @PositiveDuration
    Duration retryMaxDuration();
}
