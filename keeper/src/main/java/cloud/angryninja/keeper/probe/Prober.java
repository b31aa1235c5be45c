package cloud.angryninja.keeper.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * Runs the probes of workspaces: each workspace's {@link #probes} in parallel, workspaces in parallel on virtual threads,
 * at most {@code keeper.probe.concurrency} at a time; then the pure {@link StateDecision} and the record in the
 * {@link WorkspaceStates}. A credential shared by several workspaces is checked once per run ({@link ProbeRun}). When
 * it runs is the {@link ProbeCycle}'s business, and the reseed's, the adoption's and the passive detection's.
 */
@ApplicationScoped
public class Prober {

    private static final Logger LOG = Logger.getLogger(Prober.class);

    /** How long one cycle took and how many workspaces it covered. */
    public record CycleReport(int workspaces, int credentialChecks, Duration duration) {
    }

    /** Every probe of a workspace, in one list: see {@link #probes(OpenCodeClient, CredentialProbe)}. */
    final List<Probe> probes;
    private final WorkspaceStates states;
    private final RateLimitWindow rateLimits;
    private final VersionRange versions;
    private final Semaphore permits;
    private final Clock clock;

    @Inject
    public Prober(OpenCodeClient openCode, CredentialProbe credential, WorkspaceStates states, RateLimitWindow rateLimits,
            ProbeConfig config) {
        this(probes(openCode, credential), states, rateLimits, VersionRange.parse(config.supportedVersions()),
                config.concurrency(), Clock.systemUTC());
    }

    public Prober(List<Probe> probes, WorkspaceStates states, RateLimitWindow rateLimits, VersionRange versions,
            int concurrency, Clock clock) {
        this.probes = List.copyOf(probes);
        this.states = states;
        this.rateLimits = rateLimits;
        this.versions = versions;
        this.permits = new Semaphore(concurrency);
        this.clock = clock;
    }

    /**
     * The probes of a workspace, as blackbox_exporter's {@code Probers}: OpenCode up, the github-copilot provider loaded,
     * the credential accepted by the Copilot API, and (outside the Copilot verdict) OpenCode's view of its repository.
     */
    public static List<Probe> probes(OpenCodeClient openCode, CredentialProbe credential) {
        return List.of(OpenCodeProbes.up(openCode), OpenCodeProbes.provider(openCode), credential, OpenCodeProbes.repository(openCode));
    }

    /** Probes the given workspaces now, in parallel, and records each result. */
    public CycleReport runCycle(List<Workspace> targets) {
        long start = System.nanoTime();
        ProbeRun run = new ProbeRun();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<WorkspaceState>> running = new ArrayList<>();
            for (Workspace w : targets) {
                running.add(threads.submit(() -> {
                    permits.acquire();
                    try {
                        return probe(w, run, threads);
                    } finally {
                        permits.release();
                    }
                }));
            }
            running.forEach(f -> await(f, "a workspace probe"));
        }
        return new CycleReport(targets.size(), run.distinctChecks(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Runs the probes of one workspace now and records the result. */
    public WorkspaceState probeNow(Workspace workspace) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            return probe(workspace, new ProbeRun(), threads);
        }
    }

    private WorkspaceState probe(Workspace w, ProbeRun run, ExecutorService threads) {
        Instant started = clock.instant();
        long start = System.nanoTime();
        List<Future<Finding>> running = probes.stream().map(p -> threads.submit(() -> p.probe(w, run))).toList();
        List<Finding> found = new ArrayList<>();
        running.forEach(f -> {
            Finding finding = await(f, "a probe");
            if (finding != null) {
                found.add(finding);
            }
        });
        if (Thread.currentThread().isInterrupted()) {
            return states.last(w.name()); // the application stops: a probe cut short is no verdict
        }
        Findings f = Findings.of(found);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        WorkspaceState previous = states.last(w.name());
        CopilotState verdict = StateDecision.of(f, versions, rateLimits.limited(w.name())).state();
        WorkspaceState state = new WorkspaceState(w.name(), verdict, verdict.sentence(), f.up().result(), f.provider().result(),
                f.credential().result(), f.repository().result(), f.credential().models(), f.up().version().or(previous::openCodeVersion),
                f.credential().fingerprint(), Optional.of(started), millis, f.allPassed() ? Optional.of(started) : previous.lastSuccess());
        states.record(state, f.credential());
        return state;
    }

    /** What the future gave; null (and one log line) when it failed unexpectedly or the wait was interrupted. */
    private static <T> T await(Future<T> f, String what) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            LOG.warnf("%s failed unexpectedly: %s", what, e.getCause().getClass().getSimpleName());
            return null;
        }
    }
}
