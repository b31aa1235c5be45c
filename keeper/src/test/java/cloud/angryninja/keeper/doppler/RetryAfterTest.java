package cloud.angryninja.keeper.doppler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/** {@code Retry-After} as delay-seconds or as an HTTP date (RFC 9110 section 10.2.3). */
@Tier.Unit
class RetryAfterTest {

    static final Instant NOW = Instant.parse("1994-11-06T08:49:07Z");

    @Test
    void secondsAndTheHttpDateForms() {
        assertThat(Doppler.retryAfter("2", NOW)).contains(Duration.ofSeconds(2));
        assertThat(Doppler.retryAfter(" 0 ", NOW)).contains(Duration.ZERO);
        assertThat(Doppler.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(Doppler.retryAfter("Sun Nov  6 08:49:37 1994", NOW)).contains(Duration.ofSeconds(30));
    }

    @Test
    void aDateInThePastIsNoWaitAndAnythingElseIsAbsent() {
        assertThat(Doppler.retryAfter("Sun, 06 Nov 1994 08:48:00 GMT", NOW)).contains(Duration.ZERO);
        for (String bad : new String[] {null, "", "-1", "1.5", "soon", "99999999999999999999999", "Sun, 32 Nov 1994 08:49:37 GMT"}) {
            assertThat(Doppler.retryAfter(bad, NOW)).as(String.valueOf(bad)).isEqualTo(Optional.empty());
        }
    }
}
