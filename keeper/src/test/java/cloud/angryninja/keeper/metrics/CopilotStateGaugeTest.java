package cloud.angryninja.keeper.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspaces;

/** The one-hot state gauge: registered from the start, unknown before the first probe, NaN on a replica that stops leading. */
@Tier.Unit
class CopilotStateGaugeTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double value(String workspace, CopilotState s) {
        return registry.get(KeeperMetrics.STATE).tag("workspace", workspace).tag("state", s.label()).gauge().value();
    }

    @Test
    void allNineSeriesExistFromTheStartWithUnknownAtOneThenNaNWhenLeadershipIsLost() {
        Workspaces workspaces = new Workspaces(List.of(TestWorkspaces.named("opencode-flux", "http://127.0.0.1:1")));
        KeeperMetrics metrics = new KeeperMetrics(registry, workspaces, "test");

        assertThat(registry.get(KeeperMetrics.STATE).gauges()).hasSize(CopilotState.values().length);
        for (CopilotState s : CopilotState.values()) {
            assertThat(value("opencode-flux", s)).as(s.label()).isEqualTo(s == CopilotState.UNKNOWN ? 1.0 : 0.0);
        }

        metrics.forgetValues();
        for (CopilotState s : CopilotState.values()) {
            assertThat(value("opencode-flux", s)).as("follower " + s.label()).isNaN();
        }

        metrics.startLeading();
        assertThat(value("opencode-flux", CopilotState.UNKNOWN)).isEqualTo(1.0);
        assertThat(value("opencode-flux", CopilotState.WORKING)).isEqualTo(0.0);
    }

    @Test
    void unconfirmedRefusalsAreCountedPerStatus() {
        Workspaces workspaces = new Workspaces(List.of(TestWorkspaces.named("opencode-ha", "http://127.0.0.1:1")));
        KeeperMetrics metrics = new KeeperMetrics(registry, workspaces, "test");

        metrics.unconfirmedRefusal("opencode-ha", 401);
        metrics.unconfirmedRefusal("opencode-ha", 401);

        assertThat(registry.get("opencode_keeper_copilot_unconfirmed_refusals").tag("workspace", "opencode-ha").tag("status", "401")
                .counter().count()).isEqualTo(2.0);
        assertThat(registry.get("opencode_keeper_copilot_unconfirmed_refusals").tag("workspace", "opencode-ha").tag("status", "403")
                .counter().count()).isZero();
    }
}
