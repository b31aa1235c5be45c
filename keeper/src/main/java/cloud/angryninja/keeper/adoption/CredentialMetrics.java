package cloud.angryninja.keeper.adoption;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;

import cloud.angryninja.keeper.metrics.WorkspaceMeters;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The series of the credential a workspace holds, registered at start-up for every workspace, added when a discovered
 * one joins and removed when it leaves or the keeper stops: {@code opencode_keeper_credential_drift{workspace}} (1 while
 * the workspace holds another credential than Doppler's, 0 the same, NaN unknown),
 * {@code opencode_keeper_credential_last_report_timestamp_seconds{workspace}} (0 before the first report) and
 * {@code opencode_keeper_credential_adoptions_total{workspace,result}}.
 */
@Startup
@ApplicationScoped
public class CredentialMetrics {

    public static final String DRIFT = "opencode_keeper_credential_drift";
    public static final String LAST_REPORT = "opencode_keeper_credential_last_report_timestamp_seconds";
    public static final String ADOPTIONS = "opencode_keeper_credential_adoptions_total";

    /** The {@code result} labels of the adoptions counter. */
    static final AdoptionStatus.State[] RESULTS = {AdoptionStatus.State.ADOPTED, AdoptionStatus.State.REFUSED,
            AdoptionStatus.State.WAITING_CONFIRMATION, AdoptionStatus.State.FAILED};

    private static final class Series {
        volatile double lastReportSeconds;
        final Map<AdoptionStatus.State, Counter> adoptions = new EnumMap<>(AdoptionStatus.State.class);
    }

    private final WorkspaceMeters<Series> series;

    @Inject
    public CredentialMetrics(MeterRegistry registry, Workspaces workspaces, CredentialHomes homes) {
        series = new WorkspaceMeters<>(registry, (workspace, meters) -> register(workspace, meters, homes));
        for (Workspace w : workspaces.all()) {
            series.register(w.name());
        }
    }

    private static Series register(String workspace, WorkspaceMeters.Registrar meters, CredentialHomes homes) {
        Series s = new Series();
        meters.add(Gauge.builder(DRIFT, homes, h -> h.drift(workspace))
                .description("1 while the workspace holds another Copilot credential than Doppler's, 0 the same one, NaN unknown")
                .tag("workspace", workspace).register(meters.registry()));
        meters.add(Gauge.builder("opencode_keeper_credential_last_report_timestamp", s, x -> x.lastReportSeconds).baseUnit("seconds")
                .description("Unix time of the workspace's last report of its credential, 0 before the first")
                .tag("workspace", workspace).register(meters.registry()));
        for (AdoptionStatus.State result : RESULTS) {
            s.adoptions.put(result, meters.add(Counter.builder("opencode_keeper_credential_adoptions")
                    .description("Reported credentials judged for adoption, by result (adopted, refused, waiting_confirmation, failed)")
                    .tag("workspace", workspace).tag("result", result.label()).register(meters.registry())));
        }
        return s;
    }

    /** Removes every series at shutdown, so none stays bound to a stopped keeper (see {@link WorkspaceMeters}). */
    void onStop(@Observes ShutdownEvent event) {
        series.removeAll();
    }

    void onWorkspace(@Observes WorkspaceEvent event) {
        series.on(event);
    }

    public void reported(String workspace, Instant at) {
        series.get(workspace).ifPresent(s -> s.lastReportSeconds = at.toEpochMilli() / 1000.0);
    }

    void adoption(String workspace, AdoptionStatus.State result) {
        series.get(workspace).map(s -> s.adoptions.get(result)).ifPresent(Counter::increment);
    }
}
