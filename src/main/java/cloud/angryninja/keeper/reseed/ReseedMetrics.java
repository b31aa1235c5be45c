package cloud.angryninja.keeper.reseed;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The reseed series, every one registered at start-up for every workspace, result and step:
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

    private final Map<String, Map<ReseedResult, Counter>> totals = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> lastSuccess = new ConcurrentHashMap<>();
    private final Map<Step, Timer> steps = new EnumMap<>(Step.class);

    @Inject
    public ReseedMetrics(MeterRegistry registry, Workspaces workspaces) {
        for (Step step : Step.values()) {
            steps.put(step, Timer.builder("opencode_keeper_reseed_step_duration")
                    .description("Duration of one reseed step of one workspace")
                    .tag("step", step.label())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
        }
        for (Workspace w : workspaces.all()) {
            Map<ReseedResult, Counter> counters = new EnumMap<>(ReseedResult.class);
            for (ReseedResult result : ReseedResult.values()) {
                counters.put(result, Counter.builder("opencode_keeper_reseed")
                        .description("Reseeds of the workspace by result (success, failure, timeout, rejected)")
                        .tag("workspace", w.name()).tag("result", result.label())
                        .register(registry));
            }
            totals.put(w.name(), counters);
            AtomicReference<Double> last = new AtomicReference<>(0.0);
            lastSuccess.put(w.name(), last);
            Gauge.builder("opencode_keeper_reseed_last_success_timestamp", last, AtomicReference::get).baseUnit("seconds")
                    .description("Unix time of the last reseed that ended with the workspace verified, 0 before the first")
                    .tag("workspace", w.name()).register(registry);
        }
    }

    public void step(Step step, Duration duration) {
        steps.get(step).record(duration);
    }

    /** One reseed of one workspace ended with {@code result} at {@code at}. */
    public void result(String workspace, ReseedResult result, Instant at) {
        Map<ReseedResult, Counter> counters = totals.get(workspace);
        if (counters == null) {
            return;
        }
        counters.get(result).increment();
        if (result == ReseedResult.SUCCESS) {
            lastSuccess.get(workspace).set(at.toEpochMilli() / 1000.0);
        }
    }
}
