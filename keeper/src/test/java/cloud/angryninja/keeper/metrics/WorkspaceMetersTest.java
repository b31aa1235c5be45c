package cloud.angryninja.keeper.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;

@Tier.Unit
class WorkspaceMetersTest {

    final MeterRegistry registry = new SimpleMeterRegistry();
    final AtomicInteger created = new AtomicInteger();
    final WorkspaceMeters<Counter> meters = new WorkspaceMeters<>(registry, (workspace, r) -> {
        created.incrementAndGet();
        return r.add(Counter.builder("c").tag("workspace", workspace).register(r.registry()));
    });

    @Test
    void registerOnceJoinLeaveAndChange() {
        meters.register("a");
        meters.register("a");
        assertThat(created).hasValue(1);
        meters.get("a").orElseThrow().increment();

        meters.on(new WorkspaceEvent(WorkspaceEvent.Kind.JOINED, ws("b")));
        meters.on(new WorkspaceEvent(WorkspaceEvent.Kind.CHANGED, ws("a")));
        assertThat(registry.find("c").counters()).hasSize(2);
        assertThat(meters.get("a").orElseThrow().count()).as("a change keeps the series and its value").isEqualTo(1.0);

        meters.on(new WorkspaceEvent(WorkspaceEvent.Kind.LEFT, ws("a")));
        assertThat(meters.get("a")).isEmpty();
        assertThat(registry.find("c").tag("workspace", "a").counter()).isNull();
        assertThat(registry.find("c").tag("workspace", "b").counter()).isNotNull();
    }

    @Test
    void removeAllTakesTheGlobalMetersToo() {
        meters.register("a");
        meters.global(Counter.builder("g").register(registry));
        assertThat(registry.getMeters()).hasSize(2);
        meters.removeAll();
        assertThat(registry.getMeters()).isEmpty();
        assertThat(meters.get("a")).isEmpty();
    }

    private static Workspace ws(String name) {
        return TestWorkspaces.named(name, "http://" + name + ":4096");
    }
}
