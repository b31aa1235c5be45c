package cloud.angryninja.keeper.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;

import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.probe.ProbeResult;
import cloud.angryninja.keeper.probe.WorkspaceState;

/** The probe's series of one workspace ({@link KeeperMetrics}): the values its gauges read, and its counters. */
final class WorkspaceSeries {

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

    /** A probe's state: every gauge, and the check error counted. */
    void record(WorkspaceState s, String checkError) {
        up = s.up().gaugeValue();
        providerLoaded = s.copilotProvider().gaugeValue();
        credentialValid = s.credential().gaugeValue();
        models = s.credential().outcome() == ProbeResult.Outcome.PASS ? s.copilotModels()
                : s.credential().outcome() == ProbeResult.Outcome.FAIL ? 0 : Double.NaN;
        projectVcs = s.repository().gaugeValue();
        durationSeconds = s.durationMillis() / 1000.0;
        state = s.state();
        s.lastSuccess().ifPresent(t -> lastSuccessSeconds = t.toEpochMilli() / 1000.0);
        if (checkError != null && !checkError.isEmpty()) {
            Counter c = errors.get(checkError);
            if (c != null) {
                c.increment();
            }
        }
    }

    /** Leading again: not succeeded yet (0), state unknown. */
    void lead() {
        if (Double.isNaN(lastSuccessSeconds)) {
            lastSuccessSeconds = 0;
        }
        if (state == null) {
            state = CopilotState.UNKNOWN;
        }
    }

    /** Not leading: every gauge NaN (counters stay). */
    void forget() {
        up = Double.NaN;
        providerLoaded = Double.NaN;
        credentialValid = Double.NaN;
        models = Double.NaN;
        projectVcs = Double.NaN;
        durationSeconds = Double.NaN;
        lastSuccessSeconds = Double.NaN;
        state = null;
    }

    static WorkspaceSeries register(String workspace, WorkspaceMeters.Registrar meters, double lastSuccess) {
        WorkspaceSeries v = new WorkspaceSeries();
        v.lastSuccessSeconds = lastSuccess;
        v.state = Double.isNaN(lastSuccess) ? null : CopilotState.UNKNOWN;
        for (CopilotState s : CopilotState.values()) {
            meters.add(Gauge.builder(KeeperMetrics.STATE, v, x -> x.state(s))
                    .description("1 for the workspace's one Copilot verdict (state), 0 for the others; NaN on a replica that does not lead")
                    .tag("workspace", workspace).tag("state", s.label()).register(meters.registry()));
        }
        for (int status : KeeperMetrics.CONFIRMED_STATUSES) {
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
        gauge(meters, KeeperMetrics.PROJECT_VCS,
                "1 when OpenCode sees its working directory as a git repository, 0 when it sees none, NaN unknown", workspace, v,
                x -> x.projectVcs);
        gauge(meters, "opencode_keeper_copilot_models", "Models the Copilot API enables for the credential", workspace, v, x -> x.models);
        meters.add(Gauge.builder("opencode_keeper_probe_duration", v, x -> x.durationSeconds).baseUnit("seconds")
                .description("Duration of the last probe of the workspace").tag("workspace", workspace).register(meters.registry()));
        meters.add(Gauge.builder("opencode_keeper_probe_last_success_timestamp", v, x -> x.lastSuccessSeconds).baseUnit("seconds")
                .description("Unix time of the last probe where all three checks passed, 0 before the first").tag("workspace", workspace)
                .register(meters.registry()));
        for (String reason : KeeperMetrics.CHECK_ERROR_REASONS) {
            v.errors.put(reason, meters.add(Counter.builder("opencode_keeper_copilot_check_errors")
                    .description("Credential checks that could not say valid (reason: why)")
                    .tag("workspace", workspace).tag("reason", reason).register(meters.registry())));
        }
        return v;
    }

    private static void gauge(WorkspaceMeters.Registrar meters, String name, String help, String workspace, WorkspaceSeries v,
            ToDoubleFunction<WorkspaceSeries> f) {
        meters.add(Gauge.builder(name, v, f).description(help).tag("workspace", workspace).register(meters.registry()));
    }
}
