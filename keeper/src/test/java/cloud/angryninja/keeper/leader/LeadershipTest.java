package cloud.angryninja.keeper.leader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

@Tier.Unit
class LeadershipTest {

    @Test
    void durationsMustNestLeaseOverRenewDeadlineOverRetryPeriod() {
        assertThat(Leadership.checkDurations(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2))).isEmpty();
        assertThat(Leadership.checkDurations(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .hasValue("lease-duration must be longer than renew-deadline");
        assertThat(Leadership.checkDurations(Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .hasValue("renew-deadline must be longer than retry-period");
        assertThat(Leadership.checkDurations(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ZERO))
                .hasValue("retry-period must be positive");
        assertThat(Leadership.checkDurations(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(-1)))
                .hasValue("retry-period must be positive");
    }

    @Test
    void aFollowerNamesTheLeaderOrSaysItIsUnknown() {
        FollowerReply known = FollowerReply.of("keeper-b", Optional.of("keeper-a"));
        assertThat(known.status()).isEqualTo(503);
        assertThat(known.role()).isEqualTo("follower");
        assertThat(known.leader()).isEqualTo("keeper-a");
        assertThat(known.message()).contains("keeper-b").contains("the leader is keeper-a");

        assertThat(FollowerReply.of("keeper-b", Optional.empty()).leader()).isEqualTo("unknown");
        assertThat(FollowerReply.of("keeper-b", Optional.of("keeper-b")).leader()).as("a follower never names itself").isEqualTo("unknown");
    }

    @Test
    void theMappingStopsTheStartWithTheDurationThatDoesNotNest() {
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(LeadershipConfig.class, java.util.Map.of())).isEmpty();
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(LeadershipConfig.class, java.util.Map.of(
                "keeper.leader-election.lease-duration", "10s", "keeper.leader-election.renew-deadline", "10s")))
                .containsExactly("keeper.leader-election lease-duration must be longer than renew-deadline");
        assertThat(cloud.angryninja.keeper.testing.ConfigProblems.of(LeadershipConfig.class, java.util.Map.of(
                "keeper.leader-election.retry-period", "0s")))
                .as("one message per bad setting").containsExactly(
                        "keeper.leader-election.retry-period must be longer than 0 (a duration such as 500ms, 10s or 5m)");
    }
}
