package cloud.angryninja.keeper.reseed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/** The reseed series follow the workspaces: a discovered one joining gets them, one leaving loses them, shutdown removes all. */
@Tier.Unit
class ReseedMetricsTest {

    final MeterRegistry registry = new SimpleMeterRegistry();
    final ReseedMetrics metrics = new ReseedMetrics(registry, new Workspaces(List.of(ws("beta"))));

    @Test
    void aConfiguredWorkspaceHasItsSeriesFromTheStartWithTheLastSuccessAtZero() {
        assertThat(results("beta")).isEqualTo(ReseedResult.values().length);
        assertThat(lastSuccess("beta")).contains(0.0);
        assertThat(registry.find("opencode_keeper_reseed_step_duration").timers()).hasSize(Step.values().length);
    }

    @Test
    void aDiscoveredWorkspaceJoiningGetsItsSeriesAndLeavingRemovesThem() {
        assertThat(results("lab")).isZero();
        metrics.result("lab", ReseedResult.FAILURE, Instant.now());
        assertThat(results("lab")).as("nothing counted for an unknown workspace").isZero();

        metrics.onWorkspace(new WorkspaceEvent(WorkspaceEvent.Kind.JOINED, ws("lab")));
        assertThat(results("lab")).isEqualTo(ReseedResult.values().length);
        assertThat(lastSuccess("lab")).contains(0.0);
        metrics.result("lab", ReseedResult.SUCCESS, Instant.ofEpochSecond(1_800_000_000L));
        metrics.onWorkspace(new WorkspaceEvent(WorkspaceEvent.Kind.CHANGED, ws("lab")));
        assertThat(registry.find("opencode_keeper_reseed").tags("workspace", "lab", "result", "success").counter().count())
                .as("a change keeps the series and its values").isEqualTo(1.0);
        assertThat(lastSuccess("lab")).contains(1_800_000_000.0);

        metrics.onWorkspace(new WorkspaceEvent(WorkspaceEvent.Kind.LEFT, ws("lab")));
        assertThat(results("lab")).isZero();
        assertThat(lastSuccess("lab")).isEmpty();
        assertThat(results("beta")).as("the other workspace keeps its series").isEqualTo(ReseedResult.values().length);
    }

    @Test
    void shutdownRemovesEverySeries() {
        metrics.onStop(null);
        assertThat(registry.getMeters()).isEmpty();
    }

    private int results(String workspace) {
        return registry.find("opencode_keeper_reseed").tag("workspace", workspace).counters().size();
    }

    private Optional<Double> lastSuccess(String workspace) {
        return Optional.ofNullable(registry.find("opencode_keeper_reseed_last_success_timestamp").tag("workspace", workspace).gauge())
                .map(g -> g.value());
    }

    private static Workspace ws(String name) {
        return TestWorkspaces.named(name, "http://" + name + ":4096");
    }
}
