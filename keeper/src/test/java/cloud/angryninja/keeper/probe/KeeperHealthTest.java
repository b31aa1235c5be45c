package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

@Tier.Unit
class KeeperHealthTest {

    @Test
    void liveUntilCyclesStopForThreeIntervalsAndAMinute() {
        Instant last = Instant.parse("2026-01-01T00:00:00Z");
        Duration interval = Duration.ofSeconds(60);

        assertThat(KeeperHealth.cyclesKeepRunning(null, last, interval)).isTrue();
        assertThat(KeeperHealth.cyclesKeepRunning(last, last.plusSeconds(240), interval)).isTrue();
        assertThat(KeeperHealth.cyclesKeepRunning(last, last.plusSeconds(241), interval)).isFalse();
    }

    @Test
    void aNewLeaderIsJudgedFromWhenItStartedLeadingNotByTheCyclesOfItsEarlierTerm() {
        Instant cycle = Instant.parse("2026-01-01T00:00:00Z");
        Instant led = cycle.plusSeconds(600);
        assertThat(KeeperHealth.lastCycleOrLeadStart(cycle, led)).isEqualTo(led);
        assertThat(KeeperHealth.lastCycleOrLeadStart(led.plusSeconds(5), led)).isEqualTo(led.plusSeconds(5));
        assertThat(KeeperHealth.lastCycleOrLeadStart(cycle, null)).isEqualTo(cycle);
        assertThat(KeeperHealth.lastCycleOrLeadStart(null, led)).isNull();
        assertThat(KeeperHealth.cyclesKeepRunning(KeeperHealth.lastCycleOrLeadStart(cycle, led), led.plusSeconds(60),
                Duration.ofSeconds(60))).isTrue();
    }
}
