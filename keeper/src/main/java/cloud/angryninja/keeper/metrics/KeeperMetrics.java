package cloud.angryninja.keeper.metrics;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import cloud.angryninja.keeper.leader.LeadershipConfig;
import cloud.angryninja.keeper.probe.ProbeCycle;
import cloud.angryninja.keeper.probe.StateChange;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The keeper's Prometheus series. Every series of every configured workspace is registered at
 * start-up, so a dashboard never shows "no data" for a known workspace. Gauges show NaN until the
 * value is known; {@code credential_valid} stays NaN while the Copilot API cannot tell. The last
 * success timestamp is 0 before the first success: a workspace never probed successfully since
 * the keeper started is as stale as one whose probes stopped succeeding. The values follow the
 * workspace states ({@link StateChange}) and the probe cycles ({@link ProbeCycle.Ended}).
 */
@Startup
@ApplicationScoped
public class KeeperMetrics {

    public static final String WORKSPACE_UP = "opencode_keeper_workspace_up";
    public static final String PROVIDER_LOADED = "opencode_keeper_copilot_provider_loaded";
    public static final String CREDENTIAL_VALID = "opencode_keeper_copilot_credential_valid";
    public static final String PROJECT_VCS = "opencode_keeper_workspace_project_vcs";
    public static final String CHECK_ERRORS = "opencode_keeper_copilot_check_errors_total";
    public static final String MODELS = "opencode_keeper_copilot_models";
    public static final String STATE = "opencode_keeper_copilot_state";
    public static final String UNCONFIRMED_REFUSALS = "opencode_keeper_copilot_unconfirmed_refusals_total";
    /** The statuses a second check must confirm: the fixed label set of {@code status} on {@link #UNCONFIRMED_REFUSALS}. */
    public static final List<Integer> CONFIRMED_STATUSES = List.of(401, 403);
    public static final String PROBE_DURATION = "opencode_keeper_probe_duration_seconds";
    public static final String LAST_SUCCESS = "opencode_keeper_probe_last_success_timestamp_seconds";
    public static final String CYCLES = "opencode_keeper_probe_cycles_total";
    public static final String BUILD_INFO = "opencode_keeper_build_info";
    public static final String WORKSPACES = "opencode_keeper_workspaces";

    /** The fixed label set of {@code reason} on {@link #CHECK_ERRORS}. */
    public static final List<String> CHECK_ERROR_REASONS = List.of(
            "timeout", "connection", "server_error", "unexpected_status", "secret_missing", "kube_error", "auth_json_invalid");

    private final WorkspaceMeters<WorkspaceSeries> series;
    private final Counter cycles;
    /** Whether the workspace states are this replica's: a series added now starts as a leader's or as a follower's. */
    private volatile boolean leading;

    /** Leading from the start when leader election is off; else once the states resume ({@link StateChange.Resumed}). */
    @Inject
    public KeeperMetrics(MeterRegistry registry, Workspaces workspaces, LeadershipConfig election,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(registry, workspaces, version, !election.enabled());
    }

    /** For a keeper without leader election: it always leads. */
    public KeeperMetrics(MeterRegistry registry, Workspaces workspaces, String version) {
        this(registry, workspaces, version, true);
    }

    private KeeperMetrics(MeterRegistry registry, Workspaces workspaces, String version, boolean leading) {
        this.leading = leading;
        // Names are given in Prometheus form; Micrometer's Prometheus naming keeps them as they are.
        // A follower's last success is NaN, not 0: it has not looked, so ProbeStale must not fire on it.
        series = new WorkspaceMeters<>(registry, (workspace, meters) -> WorkspaceSeries.register(workspace, meters, this.leading ? 0 : Double.NaN));
        series.global(Gauge.builder("opencode_keeper_build", () -> 1.0).baseUnit("info")
                .description("Build of the running keeper").tag("version", version).strongReference(true).register(registry));
        cycles = series.global(Counter.builder("opencode_keeper_probe_cycles")
                .description("Completed probe cycles over all workspaces").register(registry));
        series.global(Gauge.builder(WORKSPACES, workspaces, w -> w.configured().size()).description("Workspaces the keeper watches, by source")
                .tag("source", "config").strongReference(true).register(registry));
        series.global(Gauge.builder(WORKSPACES, workspaces, w -> w.all().size() - w.configured().size())
                .description("Workspaces the keeper watches, by source").tag("source", "discovery").strongReference(true)
                .register(registry));
        for (Workspace w : workspaces.all()) {
            register(w.name());
        }
    }

    /** A workspace's new state. */
    void onProbed(@Observes StateChange.Probed probed) {
        record(probed.after(), probed.checkError());
        probed.unconfirmed().ifPresent(status -> unconfirmedRefusal(probed.after().workspace(), status));
    }

    /** This replica's states again: it leads. */
    void onResumed(@Observes StateChange.Resumed resumed) {
        leading = true;
        startLeading();
    }

    /** The states forgotten: this replica stopped leading. */
    void onForgotten(@Observes StateChange.Forgotten forgotten) {
        leading = false;
        forgetValues();
    }

    void onCycle(@Observes ProbeCycle.Ended cycle) {
        cycleDone();
    }

    /**
     * Removes every series at shutdown: the registry may outlive this instance (a new application
     * in the same JVM, as in tests), and a series must never stay bound to a stopped keeper's values.
     */
    void onStop(@Observes io.quarkus.runtime.ShutdownEvent event) {
        series.removeAll();
    }

    /** Joined and left discovered workspaces get and lose their series. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        series.on(event);
    }

    /** Removes every series of the workspace. */
    public void remove(String workspace) {
        series.remove(workspace);
    }

    /** Registers every series of the workspace (gauges NaN, last success 0, counters 0); does nothing when they exist. */
    public void register(String workspace) {
        series.register(workspace);
    }

    /** Publishes a workspace's new state; {@code checkError} is one of {@link #CHECK_ERROR_REASONS} or empty. */
    public void record(WorkspaceState state, String checkError) {
        series.get(state.workspace()).ifPresent(v -> v.record(state, checkError));
    }

    /** A refusal of the Copilot API that the second check did not confirm. */
    public void unconfirmedRefusal(String workspace, int status) {
        series.get(workspace).map(v -> v.unconfirmed.get(status)).ifPresent(Counter::increment);
    }

    /** A replica that starts leading has not succeeded yet: last success 0, so ProbeStale can fire; its state is unknown. */
    public void startLeading() {
        series.all().forEach(WorkspaceSeries::lead);
    }

    /** Every workspace gauge back to NaN (counters stay): a replica that stops leading knows nothing current. */
    public void forgetValues() {
        series.all().forEach(WorkspaceSeries::forget);
    }

    public void cycleDone() {
        cycles.increment();
    }
}
