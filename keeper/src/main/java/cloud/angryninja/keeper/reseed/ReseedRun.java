package cloud.angryninja.keeper.reseed;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.reseed.ReseedReply.StepReport;
import cloud.angryninja.keeper.reseed.ReseedReply.WorkspaceReport;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * The record of one reseed, set up before the first step: every step of every target workspace starts as
 * "skipped, not reached", each step that ends is logged as one audit line and timed, and {@link #finish} (the only way
 * a reply is made) counts the result of every workspace. No path can leave a workspace uncounted or a step unlogged.
 */
final class ReseedRun {

    /** The audit trail: one line per step (workspace, step, outcome, duration, credential fingerprint). */
    static final Logger AUDIT = Logger.getLogger("cloud.angryninja.keeper.reseed.audit");

    static final String NOT_REACHED = "not reached";

    /** How the credential reached a workspace ({@code applied} in the reply). */
    static final String APPLIED_LIVE = "live";
    static final String APPLIED_ROLLOUT = "rollout";
    static final String APPLIED_HELD = "held";
    static final String APPLIED_NONE = "none";

    private final String id;
    private final List<Workspace> targets;
    private final boolean dryRun;
    private final ReseedMetrics metrics;
    private final Clock clock;
    private final long startNanos = System.nanoTime();
    private final Map<String, Map<Step, StepReport>> steps = new ConcurrentHashMap<>();
    private final Set<String> verified = ConcurrentHashMap.newKeySet();
    private final Map<String, String> applied = new ConcurrentHashMap<>();
    private final Origin origin;
    private volatile Optional<String> fingerprint = Optional.empty();
    private volatile List<String> ignored = List.of();
    private volatile ReseedReply reply;

    ReseedRun(String id, List<Workspace> targets, boolean dryRun, ReseedMetrics metrics, Clock clock) {
        this(id, targets, dryRun, ReseedMode.ROLLOUT, Origin.API, metrics, clock);
    }

    /** The steps of {@code mode} (a forced rollout has no live apply), for a reseed asked by {@code origin}. */
    ReseedRun(String id, List<Workspace> targets, boolean dryRun, ReseedMode mode, Origin origin, ReseedMetrics metrics, Clock clock) {
        this.id = id;
        this.origin = origin;
        this.targets = List.copyOf(targets);
        this.dryRun = dryRun;
        this.metrics = metrics;
        this.clock = clock;
        for (Workspace w : targets) {
            Map<Step, StepReport> pending = new LinkedHashMap<>();
            for (Step step : mode.steps()) {
                pending.put(step, new StepReport(step.label(), Outcome.SKIPPED.label(), 0, NOT_REACHED));
            }
            steps.put(w.name(), java.util.Collections.synchronizedMap(pending));
        }
    }

    String id() {
        return id;
    }

    List<Workspace> targets() {
        return targets;
    }

    void credential(String fingerprint, List<String> ignoredProviders) {
        this.fingerprint = Optional.of(fingerprint);
        this.ignored = List.copyOf(ignoredProviders);
    }

    /** A step shared by every target workspace (input, verify-before, Doppler): recorded for each. */
    void shared(Step step, Outcome outcome, Duration duration, String detail) {
        for (Workspace w : targets) {
            record(w.name(), step, outcome, duration, detail);
        }
    }

    /** One step of one workspace ended. */
    void record(String workspace, Step step, Outcome outcome, Duration duration, String detail) {
        steps.get(workspace).put(step, new StepReport(step.label(), outcome.label(), duration.toMillis(), detail));
        if (outcome != Outcome.SKIPPED || !NOT_REACHED.equals(detail)) {
            metrics.step(step, duration);
        }
        audit(workspace, step, outcome.label(), duration.toMillis(), detail);
    }

    void verified(String workspace) {
        verified.add(workspace);
    }

    /** How the credential reached the workspace: {@link #APPLIED_LIVE}, {@link #APPLIED_ROLLOUT} or {@link #APPLIED_HELD}. */
    void applied(String workspace, String how) {
        applied.put(workspace, how);
    }

    boolean finished() {
        return reply != null;
    }

    Map<String, Map<Step, StepReport>> steps() {
        return steps;
    }

    long verifiedCount() {
        return verified.size();
    }

    /** Ends the reseed: logs the steps never reached, counts each workspace's result (not for a dry run), replies. */
    synchronized ReseedReply finish(int status, String message) {
        if (reply != null) {
            return reply;
        }
        ReseedResult overall = ReseedDecisions.resultOf(status);
        List<WorkspaceReport> reports = new ArrayList<>();
        for (Workspace w : targets) {
            Map<Step, StepReport> mine;
            synchronized (steps.get(w.name())) {
                mine = new LinkedHashMap<>(steps.get(w.name()));
            }
            mine.values().stream().filter(s -> NOT_REACHED.equals(s.detail()))
                    .forEach(s -> audit(w.name(), Step.valueOf(s.step().toUpperCase(java.util.Locale.ROOT)), s.outcome(), 0, s.detail()));
            ReseedResult result = ReseedDecisions.workspaceResult(verified.contains(w.name()), overall, mine);
            if (!dryRun) {
                metrics.result(w.name(), result, clock.instant());
            }
            reports.add(new WorkspaceReport(w.name(), result.label(), verified.contains(w.name()),
                    applied.getOrDefault(w.name(), APPLIED_NONE), List.copyOf(mine.values())));
        }
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        reply = new ReseedReply(id, overall.label(), status, message, dryRun, origin.source(), fingerprint, ignored, millis, reports);
        AUDIT.infof("reseed=%s result=%s status=%d duration_ms=%d credential=%s dry_run=%s source=%s workspaces=%s: %s", id,
                overall.label(), status, millis, fingerprint.orElse("-"), dryRun, origin.source(),
                targets.stream().map(Workspace::name).toList(), message);
        return reply;
    }

    /** A reply for a request that never became a reseed (another one is running): nothing counted. */
    ReseedReply refuse(int status, String message) {
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        reply = new ReseedReply(id, ReseedResult.REJECTED.label(), status, message, dryRun, origin.source(), fingerprint, ignored, millis,
                List.of());
        AUDIT.infof("reseed=%s refused status=%d credential=%s source=%s: %s", id, status, fingerprint.orElse("-"), origin.source(),
                message);
        return reply;
    }

    private void audit(String workspace, Step step, String outcome, long millis, String detail) {
        AUDIT.infof("reseed=%s workspace=%s step=%s outcome=%s duration_ms=%d credential=%s: %s", id, workspace, step.label(), outcome,
                millis, fingerprint.orElse("-"), detail);
    }
}
