package cloud.angryninja.keeper.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

@Tier.Unit
class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @Test
    void doublesPerFailureUpToTheMaximum() {
        assertThat(backoff.delay(0, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(1, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(5, 0)).isEqualTo(Duration.ofSeconds(32));
        assertThat(backoff.delay(6, 0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delay(10_000, 0)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void jitterStretchesByAtMostTwentyPercent() {
        assertThat(backoff.delay(0, 0.5)).isEqualTo(Duration.ofMillis(1100));
        assertThat(backoff.delay(10, 0.999)).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(72));
        assertThat(backoff.delay(0, 7)).as("jitter clamped").isEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMappingRefusesAMaximumShorterThanTheInitialWaitOnce() {
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(EventsConfig.class, java.util.Map.of(
                "keeper.events.backoff-initial", "5s", "keeper.events.backoff-max", "2s")))
                .containsExactly("keeper.events backoff-max must not be shorter than backoff-initial");
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(EventsConfig.class, java.util.Map.of(
                "keeper.events.backoff-initial", "0s", "keeper.events.backoff-max", "2s")))
                .as("one message per bad setting").containsExactly(
                        "keeper.events.backoff-initial must be longer than 0 (a duration such as 500ms, 10s or 5m)");
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(EventsConfig.class, java.util.Map.of())).isEmpty();
    }
}
