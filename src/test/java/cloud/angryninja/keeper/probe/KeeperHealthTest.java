package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class KeeperHealthTest {

    @Test
    void liveUntilCyclesStopForThreeIntervalsAndAMinute() {
        Instant last = Instant.parse("2026-01-01T00:00:00Z");
        Duration interval = Duration.ofSeconds(60);

        assertThat(KeeperHealth.cyclesKeepRunning(null, last, interval)).isTrue();
        assertThat(KeeperHealth.cyclesKeepRunning(last, last.plusSeconds(240), interval)).isTrue();
        assertThat(KeeperHealth.cyclesKeepRunning(last, last.plusSeconds(241), interval)).isFalse();
    }
}
