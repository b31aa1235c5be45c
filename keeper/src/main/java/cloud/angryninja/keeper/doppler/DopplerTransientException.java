package cloud.angryninja.keeper.doppler;

import java.time.Duration;
import java.util.Optional;

/** A failure worth retrying (429, 5xx, timeout, connection error); {@code retryAfter} comes from a 429. */
final class DopplerTransientException extends RuntimeException {

    private final transient Optional<Duration> retryAfter;

    DopplerTransientException(String message, Optional<Duration> retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
