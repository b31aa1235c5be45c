package cloud.angryninja.keeper.quota;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import cloud.angryninja.keeper.quota.CopilotQuota.Allowance;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;

/**
 * The quota series of each workspace. Unlike the probe's series they exist only while their value is known: absent
 * before the first answer, after a failed call, for a field the answer lacks, for a refused credential, and on a
 * replica that does not lead. A NaN sample inside a range would make {@code predict_linear} and {@code deriv} NaN for
 * the whole window (the premium alert's look-back is hours), so an unknown quota is no sample at all.
 */
@ApplicationScoped
public class QuotaMetrics {

    public static final String REMAINING = "opencode_keeper_copilot_quota_remaining";
    public static final String ENTITLEMENT = "opencode_keeper_copilot_quota_entitlement";
    public static final String UNLIMITED = "opencode_keeper_copilot_quota_unlimited";
    public static final String RESET = "opencode_keeper_copilot_quota_reset_timestamp_seconds";
    public static final String PLAN = "opencode_keeper_copilot_quota_plan_info";
    /** Every quota series name, as {@code /q/metrics} shows them. */
    public static final List<String> NAMES = List.of(REMAINING, ENTITLEMENT, UNLIMITED, RESET, PLAN);

    /** One series: its Micrometer name and unit, its tags, its value. */
    private record Spec(String name, String baseUnit, String help, Tags tags) {
    }

    private static final class Series {
        volatile double value;
        Gauge gauge;
    }

    private final MeterRegistry registry;
    private final Map<String, Map<Spec, Series>> shown = new ConcurrentHashMap<>();

    @Inject
    public QuotaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Shows the workspace's quota: a series for each value it holds, none for the others. */
    public void show(String workspace, Optional<CopilotQuota> quota) {
        Map<Spec, Double> wanted = quota.map(q -> specs(workspace, q)).orElse(Map.of());
        Map<Spec, Series> series = shown.computeIfAbsent(workspace, w -> new ConcurrentHashMap<>());
        synchronized (series) {
            series.entrySet().removeIf(e -> {
                if (!wanted.containsKey(e.getKey())) {
                    registry.remove(e.getValue().gauge);
                    return true;
                }
                return false;
            });
            wanted.forEach((spec, value) -> series.computeIfAbsent(spec, this::register).value = value);
        }
    }

    private Series register(Spec spec) {
        Series s = new Series();
        Gauge.Builder<Series> b = Gauge.builder(spec.name(), s, x -> x.value).description(spec.help()).tags(spec.tags()).strongReference(true);
        s.gauge = (spec.baseUnit() == null ? b : b.baseUnit(spec.baseUnit())).register(registry);
        return s;
    }

    /** Pure: the series a quota makes for a workspace, with their values. */
    private static Map<Spec, Double> specs(String workspace, CopilotQuota q) {
        Map<Spec, Double> specs = new LinkedHashMap<>();
        for (QuotaKind kind : QuotaKind.values()) {
            Optional<Allowance> a = q.allowance(kind);
            if (a.isEmpty()) {
                continue;
            }
            Tags tags = Tags.of("workspace", workspace, "quota", kind.label());
            a.get().remaining().ifPresent(v -> specs.put(new Spec(REMAINING, null,
                    "What is left of the Copilot quota of the workspace's credential this period", tags), v));
            a.get().entitlement().ifPresent(v -> specs.put(new Spec(ENTITLEMENT, null,
                    "What the Copilot plan of the workspace's credential gives per period", tags), v));
            a.get().unlimited().ifPresent(v -> specs.put(new Spec(UNLIMITED, null,
                    "1 when the Copilot quota has no limit (remaining and entitlement then say nothing), 0 when it has one", tags),
                    v ? 1.0 : 0.0));
        }
        q.resetsAt().ifPresent(t -> specs.put(new Spec("opencode_keeper_copilot_quota_reset_timestamp", "seconds",
                "Unix time when the Copilot quotas of the workspace's credential reset", Tags.of("workspace", workspace)),
                t.toEpochMilli() / 1000.0));
        q.plan().ifPresent(p -> specs.put(new Spec("opencode_keeper_copilot_quota_plan", "info",
                "The Copilot plan of the workspace's credential (always 1)", Tags.of("workspace", workspace, "plan", p.label())), 1.0));
        return specs;
    }

    /** Removes every quota series of the workspace. */
    public void clear(String workspace) {
        show(workspace, Optional.empty());
        shown.remove(workspace);
    }

    /** Removes every quota series. */
    public void clearAll() {
        List.copyOf(shown.keySet()).forEach(this::clear);
    }

    /** A workspace that leaves loses its series. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        if (event.kind() == WorkspaceEvent.Kind.LEFT) {
            clear(event.workspace().name());
        }
    }

    /** None stays bound to a stopped keeper (the registry may outlive it, as in tests). */
    void onStop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        clearAll();
    }
}
