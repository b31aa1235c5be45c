package cloud.angryninja.keeper.reseed;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;

import cloud.angryninja.keeper.metrics.WorkspaceMeters;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The reseed series, registered at start-up for every workspace, result and step, added when a discovered
 * workspace joins and removed when it leaves or the keeper stops:
 * {@code opencode_keeper_reseed_total{workspace,result}}, {@code opencode_keeper_reseed_step_duration_seconds{step}}
 * (a histogram) and {@code opencode_keeper_reseed_last_success_timestamp_seconds{workspace}} (0 before the first, as the
 * probe's last success timestamp).
 */
@Startup
@ApplicationScoped
public class ReseedMetrics {

    public static final String TOTAL = "opencode_keeper_reseed_total";
    public static final String STEP_DURATION = "opencode_keeper_reseed_step_duration_seconds";
    public static final String LAST_SUCCESS = "opencode_keeper_reseed_last_success_timestamp_seconds";

    /** Bucket bounds of the step histogram: from a quick Doppler write to a slow rollout. */
    static final Duration[] BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300),
            Duration.ofSeconds(600)};

    /** One workspace's series: a counter per result and the last success time. */
    private static final class Series {
        final Map<ReseedResult, Counter> totals = new EnumMap<>(ReseedResult.class);
        volatile double lastSuccessSeconds = 0;
    }

    private final WorkspaceMeters<Series> series;
    private final Map<Step, Timer> steps = new EnumMap<>(Step.class);

    @Inject
    public ReseedMetrics(MeterRegistry registry, Workspaces workspaces) {
        series = new WorkspaceMeters<>(registry, ReseedMetrics::register);
        for (Step step : Step.values()) {
            steps.put(step, series.global(Timer.builder("opencode_keeper_reseed_step_duration")
                    .description("Duration of one reseed step of one workspace")
                    .tag("step", step.label())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)));
        }
        for (Workspace w : workspaces.all()) {
            series.register(w.name());
        }
    }

    private static Series register(String workspace, WorkspaceMeters.Registrar meters) {
        Series s = new Series();
        for (ReseedResult result : ReseedResult.values()) {
            s.totals.put(result, meters.add(Counter.builder("opencode_keeper_reseed")
                    .description("Reseeds of the workspace by result (success, failure, timeout, rejected)")
                    .tag("workspace", workspace).tag("result", result.label())
                    .register(meters.registry())));
        }
        meters.add(Gauge.builder("opencode_keeper_reseed_last_success_timestamp", s, x -> x.lastSuccessSeconds).baseUnit("seconds")
                .description("Unix time of the last reseed that ended with the workspace verified, 0 before the first")
                .tag("workspace", workspace).register(meters.registry()));
        return s;
    }

    /** Removes every series at shutdown, so none stays bound to a stopped keeper (see {@link WorkspaceMeters}). */
    void onStop(@Observes ShutdownEvent event) {
        series.removeAll();
    }

    /** Joined and left discovered workspaces get and lose their series. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        series.on(event);
    }

    public void step(Step step, Duration duration) {
        steps.get(step).record(duration);
    }

    /** One reseed of one workspace ended with {@code result} at {@code at}; nothing for a workspace without series. */
    public void result(String workspace, ReseedResult result, Instant at) {
        series.get(workspace).ifPresent(s -> {
            s.totals.get(result).increment();
            if (result == ReseedResult.SUCCESS) {
                s.lastSuccessSeconds = at.toEpochMilli() / 1000.0;
            }
        });
    }
}
