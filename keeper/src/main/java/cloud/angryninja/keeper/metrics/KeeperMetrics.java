package cloud.angryninja.keeper.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.probe.WorkspaceState;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The keeper's Prometheus series. Every series of every configured workspace is registered at
 * start-up, so a dashboard never shows "no data" for a known workspace. Gauges show NaN until the
 * value is known; {@code credential_valid} stays NaN while the Copilot API cannot tell. The last
 * success timestamp is 0 before the first success: a workspace never probed successfully since
 * the keeper started is as stale as one whose probes stopped succeeding.
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

    /** Current values of one workspace, read by the gauges. */
    private static final class Values {
        volatile double up = Double.NaN;
        volatile double providerLoaded = Double.NaN;
        volatile double credentialValid = Double.NaN;
        volatile double models = Double.NaN;
        volatile double projectVcs = Double.NaN;
        volatile double durationSeconds = Double.NaN;
        /** 0 before the first success, so {@code time() - ts} is large and OpencodeKeeperProbeStale can fire. */
        volatile double lastSuccessSeconds = 0;
        /** The one verdict; null (every state series NaN) on a replica that does not lead. */
        volatile CopilotState state = CopilotState.UNKNOWN;
        final Map<String, Counter> errors = new ConcurrentHashMap<>();
        final Map<Integer, Counter> unconfirmed = new ConcurrentHashMap<>();

        double state(CopilotState s) {
            CopilotState now = state;
            return now == null ? Double.NaN : now == s ? 1 : 0;
        }
    }

    private final WorkspaceMeters<Values> series;
    private final Counter cycles;

    @Inject
    public KeeperMetrics(MeterRegistry registry, Workspaces workspaces, Leadership leadership,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this(registry, workspaces, leadership::leads, version);
    }

    /** For a keeper without leader election: it always leads. */
    public KeeperMetrics(MeterRegistry registry, Workspaces workspaces, String version) {
        this(registry, workspaces, () -> true, version);
    }

    private KeeperMetrics(MeterRegistry registry, Workspaces workspaces, BooleanSupplier leads, String version) {
        // Names are given in Prometheus form; Micrometer's Prometheus naming keeps them as they are.
        // A follower's last success is NaN, not 0: it has not looked, so ProbeStale must not fire on it.
        series = new WorkspaceMeters<>(registry, (workspace, meters) -> register(workspace, meters, leads.getAsBoolean() ? 0 : Double.NaN));
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

    private static Values register(String workspace, WorkspaceMeters.Registrar meters, double lastSuccess) {
        Values v = new Values();
        v.lastSuccessSeconds = lastSuccess;
        v.state = Double.isNaN(lastSuccess) ? null : CopilotState.UNKNOWN;
        for (CopilotState s : CopilotState.values()) {
            meters.add(Gauge.builder(STATE, v, x -> x.state(s))
                    .description("1 for the workspace's one Copilot verdict (state), 0 for the others; NaN on a replica that does not lead")
                    .tag("workspace", workspace).tag("state", s.label()).register(meters.registry()));
        }
        for (int status : CONFIRMED_STATUSES) {
            v.unconfirmed.put(status, meters.add(Counter.builder("opencode_keeper_copilot_unconfirmed_refusals")
                    .description("Copilot API refusals (401, 403) that the second check did not confirm; never reported as invalid")
                    .tag("workspace", workspace).tag("status", Integer.toString(status)).register(meters.registry())));
        }
        gauge(meters, "opencode_keeper_workspace_up", "1 when OpenCode answers /global/health as healthy", workspace, v, x -> x.up);
        gauge(meters, "opencode_keeper_copilot_provider_loaded", "1 when OpenCode lists github-copilot with models", workspace, v,
                x -> x.providerLoaded);
        gauge(meters, "opencode_keeper_copilot_credential_valid",
                "1 valid, 0 invalid (revoked, expired, no entitlement or unusable auth.json), NaN unknown", workspace, v,
                x -> x.credentialValid);
        gauge(meters, PROJECT_VCS, "1 when OpenCode sees its working directory as a git repository, 0 when it sees none, NaN unknown",
                workspace, v, x -> x.projectVcs);
        gauge(meters, "opencode_keeper_copilot_models", "Models the Copilot API enables for the credential", workspace, v, x -> x.models);
        meters.add(Gauge.builder("opencode_keeper_probe_duration", v, x -> x.durationSeconds).baseUnit("seconds")
                .description("Duration of the last probe of the workspace").tag("workspace", workspace).register(meters.registry()));
        meters.add(Gauge.builder("opencode_keeper_probe_last_success_timestamp", v, x -> x.lastSuccessSeconds).baseUnit("seconds")
                .description("Unix time of the last probe where all three checks passed, 0 before the first").tag("workspace", workspace)
                .register(meters.registry()));
        for (String reason : CHECK_ERROR_REASONS) {
            v.errors.put(reason, meters.add(Counter.builder("opencode_keeper_copilot_check_errors")
                    .description("Credential checks that could not say valid (reason: why)")
                    .tag("workspace", workspace).tag("reason", reason).register(meters.registry())));
        }
        return v;
    }

    private static void gauge(WorkspaceMeters.Registrar meters, String name, String help, String workspace, Values v,
            java.util.function.ToDoubleFunction<Values> f) {
        meters.add(Gauge.builder(name, v, f).description(help).tag("workspace", workspace).register(meters.registry()));
    }

    /** Publishes a workspace's new state; {@code checkError} is one of {@link #CHECK_ERROR_REASONS} or empty. */
    public void record(WorkspaceState state, String checkError) {
        Values v = series.get(state.workspace()).orElse(null);
        if (v == null) {
            return;
        }
        v.up = state.up().gaugeValue();
        v.providerLoaded = state.copilotProvider().gaugeValue();
        v.credentialValid = state.credential().gaugeValue();
        v.models = state.credential().outcome() == cloud.angryninja.keeper.probe.ProbeResult.Outcome.PASS ? state.copilotModels()
                : state.credential().outcome() == cloud.angryninja.keeper.probe.ProbeResult.Outcome.FAIL ? 0 : Double.NaN;
        v.projectVcs = state.repository().gaugeValue();
        v.durationSeconds = state.durationMillis() / 1000.0;
        v.state = state.state();
        state.lastSuccess().ifPresent(t -> v.lastSuccessSeconds = t.toEpochMilli() / 1000.0);
        if (checkError != null && !checkError.isEmpty()) {
            Counter c = v.errors.get(checkError);
            if (c != null) {
                c.increment();
            }
        }
    }

    /** A refusal of the Copilot API that the second check did not confirm. */
    public void unconfirmedRefusal(String workspace, int status) {
        series.get(workspace).map(v -> v.unconfirmed.get(status)).ifPresent(Counter::increment);
    }

    /** A replica that starts leading has not succeeded yet: last success 0, so ProbeStale can fire; its state is unknown. */
    public void startLeading() {
        series.all().forEach(v -> {
            if (Double.isNaN(v.lastSuccessSeconds)) {
                v.lastSuccessSeconds = 0;
            }
            if (v.state == null) {
                v.state = CopilotState.UNKNOWN;
            }
        });
    }

    /** Every workspace gauge back to NaN (counters stay): a replica that stops leading knows nothing current. */
    public void forgetValues() {
        for (Values v : series.all()) {
            v.up = Double.NaN;
            v.providerLoaded = Double.NaN;
            v.credentialValid = Double.NaN;
            v.models = Double.NaN;
            v.projectVcs = Double.NaN;
            v.durationSeconds = Double.NaN;
            v.lastSuccessSeconds = Double.NaN;
            v.state = null;
        }
    }

    public void cycleDone() {
        cycles.increment();
    }
}
