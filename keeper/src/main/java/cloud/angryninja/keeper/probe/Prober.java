package cloud.angryninja.keeper.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.scheduler.Scheduled;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.copilot.CredentialCheck;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.metrics.KeeperMetrics;
import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Probes every workspace each {@code keeper.probe.interval}: OpenCode up, github-copilot provider
 * loaded, credential accepted by the Copilot API, and (outside the Copilot verdict) whether OpenCode
 * sees its working directory as a git repository. Workspaces run in parallel on virtual threads,
 * at most {@code keeper.probe.concurrency} at a time, each with its probes in parallel; a
 * credential shared by several workspaces is checked once per cycle. With leader election on, only
 * the leader probes: a follower skips its cycles, and a replica that stops leading forgets its
 * states and turns its workspace gauges to NaN, so it never reports an old "valid".
 */
@ApplicationScoped
public class Prober {

    private static final Logger LOG = Logger.getLogger(Prober.class);

    /** How long one cycle took and how many workspaces it covered. */
    public record CycleReport(int workspaces, int credentialChecks, Duration duration) {
    }

    private final Workspaces workspaces;
    private final OpenCodeClient openCode;
    private final CredentialSource credentials;
    private final CopilotChecker copilot;
    private final KeeperMetrics metrics;
    private final Semaphore permits;
    private final Clock clock;
    private final Map<String, WorkspaceState> states = new ConcurrentHashMap<>();
    private final AtomicLong cycles = new AtomicLong();
    private final AtomicReference<Optional<Instant>> lastCycleEnd = new AtomicReference<>(Optional.empty());
    private final BooleanSupplier leads;
    private final Verdicts verdicts;
    /** When OpenCode last reported a user's Copilot request refused with 429, per workspace. */
    private final Map<String, Instant> rateLimitedAt = new ConcurrentHashMap<>();
    /** Credentials (fingerprint@API) whose last refusal was confirmed, with its status: a repeat needs no new wait. */
    private final Map<String, Integer> confirmedRefusals = new ConcurrentHashMap<>();

    /** How refusals are confirmed, how long a 429 counts, which OpenCode versions the keeper judges. */
    public record Verdicts(Duration confirmDelay, Duration rateLimitWindow, VersionRange supportedVersions) {

        /** Confirmation right away, a 15 min rate-limit window, versions {@code >=1.18 <2}. */
        public static final Verdicts DEFAULTS = new Verdicts(Duration.ZERO, Duration.ofMinutes(15), VersionRange.parse(">=1.18 <2"));

        public Verdicts {
            if (confirmDelay.isNegative()) {
                throw new IllegalArgumentException("keeper.probe.confirm-delay must not be negative");
            }
            if (rateLimitWindow.isNegative() || rateLimitWindow.isZero()) {
                throw new IllegalArgumentException("keeper.probe.rate-limit-window must be positive");
            }
        }

        static Verdicts of(ProbeConfig config) {
            try {
                return new Verdicts(config.confirmDelay(), config.rateLimitWindow(), VersionRange.parse(config.supportedVersions()));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("keeper.probe: " + e.getMessage());
            }
        }
    }

    @Inject
    public Prober(Workspaces workspaces, OpenCodeClient openCode, CredentialSource credentials, CopilotChecker copilot,
            KeeperMetrics metrics, ProbeConfig config, Leadership leadership) {
        this(workspaces, openCode, credentials, copilot, metrics, config.concurrency(), Clock.systemUTC(), leadership::leads,
                Verdicts.of(config));
    }

    public Prober(Workspaces workspaces, OpenCodeClient openCode, CredentialSource credentials, CopilotChecker copilot,
            KeeperMetrics metrics, int concurrency, Clock clock) {
        this(workspaces, openCode, credentials, copilot, metrics, concurrency, clock, () -> true, Verdicts.DEFAULTS);
    }

    public Prober(Workspaces workspaces, OpenCodeClient openCode, CredentialSource credentials, CopilotChecker copilot,
            KeeperMetrics metrics, int concurrency, Clock clock, Verdicts verdicts) {
        this(workspaces, openCode, credentials, copilot, metrics, concurrency, clock, () -> true, verdicts);
    }

    Prober(Workspaces workspaces, OpenCodeClient openCode, CredentialSource credentials, CopilotChecker copilot,
            KeeperMetrics metrics, int concurrency, Clock clock, BooleanSupplier leads, Verdicts verdicts) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("keeper.probe.concurrency must be at least 1");
        }
        this.verdicts = verdicts;
        this.workspaces = workspaces;
        this.openCode = openCode;
        this.credentials = credentials;
        this.copilot = copilot;
        this.metrics = metrics;
        this.permits = new Semaphore(concurrency);
        this.clock = clock;
        this.leads = leads;
        workspaces.all().forEach(w -> states.put(w.name(), WorkspaceState.pending(w.name())));
    }

    /** A discovered workspace is probed as soon as it joins or changes, and forgotten when it leaves. */
    void onWorkspace(@jakarta.enterprise.event.Observes WorkspaceEvent event) {
        Workspace w = event.workspace();
        switch (event.kind()) {
            case JOINED -> {
                states.putIfAbsent(w.name(), WorkspaceState.pending(w.name()));
                if (leads.getAsBoolean()) {
                    background("probe-joined-" + w.name(), () -> probeNow(w));
                }
            }
            case CHANGED -> {
                if (leads.getAsBoolean()) {
                    background("probe-changed-" + w.name(), () -> probeNow(w));
                }
            }
            case LEFT -> {
                states.remove(w.name());
                rateLimitedAt.remove(w.name());
            }
        }
    }

    /**
     * OpenCode reported a user's Copilot request of the workspace refused with {@code status}
     * (passive detection): a 429 starts or extends the rate-limit window.
     */
    public void copilotRequestRefused(String workspace, int status) {
        if (status == 429) {
            rateLimitedAt.put(workspace, clock.instant());
        }
    }

    /**
     * Whether a Copilot request of the workspace was refused with 429 within {@code keeper.probe.rate-limit-window};
     * a window that has passed is forgotten.
     */
    public boolean rateLimited(String workspace) {
        Instant limited = rateLimitedAt.get(workspace);
        boolean inWindow = limited != null && Duration.between(limited, clock.instant()).compareTo(verdicts.rateLimitWindow()) < 0;
        if (limited != null && !inWindow) {
            rateLimitedAt.remove(workspace, limited);
        }
        return inWindow;
    }

    /** Set when start-up is done: no cycle runs before (a slow start-up would otherwise meet the scheduled one). */
    private volatile boolean started;

    /** Set when the application stops: what a background cycle throws from then on is its beans going away. */
    private volatile boolean stopping;

    /** The first cycle runs at start-up, so the keeper is ready as soon as it has looked once. */
    void firstCycle(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        background("probe-first-cycle", () -> {
            started = true;
            scheduledCycle();
        });
    }

    void onStop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        stopping = true;
    }

    /**
     * Runs {@code work} on its own virtual thread. What it throws once the application shuts down (a probe still
     * running when a short-lived application stops, its beans gone) is dropped; before that it is thrown as usual.
     */
    private void background(String name, Runnable work) {
        Thread.ofVirtual().name(name).start(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                if (!stopping) {
                    throw e;
                }
                LOG.debugf("%s ended by the shutdown: %s", name, e.getClass().getSimpleName());
            }
        });
    }

    /** A new leader probes at once; a replica that stops leading forgets what it saw. */
    void onLeadership(@jakarta.enterprise.event.Observes Leadership.LeadershipChange change) {
        if (change.leading()) {
            metrics.startLeading();
            background("probe-new-leader", this::scheduledCycle);
        } else {
            states.replaceAll((name, old) -> WorkspaceState.pending(name));
            rateLimitedAt.clear();
            confirmedRefusals.clear();
            metrics.forgetValues();
        }
    }

    /** Whether this replica probes now (always, unless leader election is on and another replica leads). */
    public boolean leads() {
        return leads.getAsBoolean();
    }

    @Scheduled(identity = "probe-cycle", every = "${keeper.probe.interval}", delayed = "${keeper.probe.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledCycle() {
        if (!started) {
            return; // start-up is not done: the first cycle is on its way
        }
        if (!leads.getAsBoolean()) {
            return; // a follower: the leader probes
        }
        CycleReport report = runCycle(workspaces.all());
        LOG.debugf("probe cycle: %d workspaces, %d credential checks, %d ms", report.workspaces(), report.credentialChecks(),
                report.duration().toMillis());
    }

    /** Probes the given workspaces now, in parallel, and records each result. */
    public CycleReport runCycle(List<Workspace> targets) {
        long start = System.nanoTime();
        Map<String, CompletableFuture<Confirmed>> checks = new ConcurrentHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<WorkspaceState>> running = new ArrayList<>();
            for (Workspace w : targets) {
                running.add(threads.submit(() -> {
                    permits.acquire();
                    try {
                        return probe(w, checks, threads);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<WorkspaceState> f : running) {
                await(f);
            }
        }
        cycles.incrementAndGet();
        lastCycleEnd.set(Optional.of(clock.instant()));
        metrics.cycleDone();
        return new CycleReport(targets.size(), checks.size(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Runs the probes of one workspace now and records the result. */
    public WorkspaceState probeNow(Workspace workspace) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            return probe(workspace, new ConcurrentHashMap<>(), threads);
        }
    }

    public List<WorkspaceState> states() {
        return workspaces.all().stream().map(w -> states.getOrDefault(w.name(), WorkspaceState.pending(w.name()))).toList();
    }

    public Optional<WorkspaceState> state(String workspace) {
        return Optional.ofNullable(states.get(workspace));
    }

    /** Completed cycles since start. */
    public long cycles() {
        return cycles.get();
    }

    public Optional<Instant> lastCycleEnd() {
        return lastCycleEnd.get();
    }

    private WorkspaceState probe(Workspace w, Map<String, CompletableFuture<Confirmed>> checks, ExecutorService threads) {
        Instant started = clock.instant();
        long start = System.nanoTime();
        Future<OpenCodeClient.Health> health = threads.submit(() -> openCode.health(w));
        Future<OpenCodeClient.Provider> provider = threads.submit(() -> openCode.copilotProvider(w));
        Future<OpenCodeClient.Project> project = threads.submit(() -> openCode.project(w));
        CredentialOutcome credential = credential(w, checks);
        OpenCodeClient.Health h = awaitOr(health, new OpenCodeClient.Health(false, Optional.empty(), "probe failed"));
        OpenCodeClient.Provider p = awaitOr(provider, new OpenCodeClient.Provider(false, 0, "probe failed"));
        OpenCodeClient.Project repo = awaitOr(project, new OpenCodeClient.Project(Optional.empty(), "probe failed"));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();

        WorkspaceState previous = states.getOrDefault(w.name(), WorkspaceState.pending(w.name()));
        ProbeResult up = h.up() ? ProbeResult.pass(h.reason()) : ProbeResult.fail(h.reason());
        ProbeResult loaded = p.loaded() ? ProbeResult.pass(p.reason()) : ProbeResult.fail(p.reason());
        ProbeResult repository = repo.git().map(git -> git ? ProbeResult.pass(repo.reason()) : ProbeResult.fail(repo.reason()))
                .orElseGet(() -> ProbeResult.unknown(repo.reason()));
        boolean allPass = up.outcome() == ProbeResult.Outcome.PASS && loaded.outcome() == ProbeResult.Outcome.PASS
                && credential.result.outcome() == ProbeResult.Outcome.PASS;
        boolean rateLimited = rateLimited(w.name());
        CopilotState verdict = new StateDecision(h.up(), h.otherApi(),
                h.version().map(verdicts.supportedVersions()::contains).orElse(true), p.loaded(), credential.state, rateLimited).state();
        WorkspaceState state = new WorkspaceState(w.name(), verdict, verdict.sentence(), up, loaded, credential.result,
                repository, credential.models, h.version().or(previous::openCodeVersion), credential.fingerprint, Optional.of(started), millis,
                allPass ? Optional.of(started) : previous.lastSuccess());
        if (workspaces.byName(w.name()).isEmpty()) {
            return state; // the workspace left while it was probed
        }
        if (!leads.getAsBoolean()) {
            return state; // leadership was lost while it was probed: a follower publishes nothing
        }
        states.put(w.name(), state);
        metrics.record(state, credential.error);
        credential.unconfirmed.ifPresent(status -> metrics.unconfirmedRefusal(w.name(), status));
        logChanges(previous, state);
        if (credentialProbed != null) {
            credentialProbed.fire(new CredentialProbed(w.name(), credential.credential, credential.result.outcome()));
        }
        return state;
    }

    private record CredentialOutcome(ProbeResult result, int models, Optional<String> fingerprint, String error,
            Optional<CopilotState> state, Optional<Integer> unconfirmed, Optional<CopilotCredential> credential) {
    }

    /** Announces each published credential result (the quota reads follow it); null outside CDI. */
    @Inject
    jakarta.enterprise.event.Event<CredentialProbed> credentialProbed;

    private CredentialOutcome credential(Workspace w, Map<String, CompletableFuture<Confirmed>> checks) {
        CredentialSource.Lookup lookup = credentials.lookup(w);
        if (lookup.credential().isEmpty()) {
            ProbeResult r = lookup.invalid() ? ProbeResult.fail(lookup.reason()) : ProbeResult.unknown(lookup.reason());
            Optional<CopilotState> state = lookup.invalid() ? Optional.of(CopilotState.NOT_LOADED) : Optional.empty();
            return new CredentialOutcome(r, 0, Optional.empty(), lookup.error(), state, Optional.empty(), Optional.empty());
        }
        CopilotCredential c = lookup.credential().get();
        Confirmed confirmed = checkOnce(c, checks);
        CredentialCheck check = confirmed.check();
        ProbeResult r = switch (check.verdict()) {
            case VALID -> ProbeResult.pass(check.reason());
            case INVALID -> ProbeResult.fail(check.reason() + ", confirmed by a second check");
            case UNKNOWN -> ProbeResult.unknown(check.reason() + confirmed.unconfirmed()
                    .map(s -> " (after an unconfirmed HTTP " + s + ")").orElse(""));
        };
        String error = check.error().map(CredentialCheck.Error::label).orElse("");
        return new CredentialOutcome(r, check.models(), Optional.of(c.fingerprint()), error, check.credentialState(),
                confirmed.unconfirmed(), Optional.of(c));
    }

    /** A check whose 401 or 403 was confirmed by a second one; {@code unconfirmed}: a first refusal the second did not repeat. */
    private record Confirmed(CredentialCheck check, Optional<Integer> unconfirmed) {
    }

    /**
     * One Copilot check per distinct credential (token and API base) per cycle. A 401 or 403 is
     * checked again after {@code keeper.probe.confirm-delay} (unless the same refusal was already
     * confirmed before) and only reported when the second check refuses too; otherwise the
     * second answer counts and the first refusal is only counted.
     */
    private Confirmed checkOnce(CopilotCredential c, Map<String, CompletableFuture<Confirmed>> checks) {
        String key = c.fingerprint() + "@" + c.baseUrl(copilot.defaultApi());
        CompletableFuture<Confirmed> mine = new CompletableFuture<>();
        CompletableFuture<Confirmed> first = checks.putIfAbsent(key, mine);
        if (first != null) {
            return first.join();
        }
        try {
            mine.complete(confirm(key, c));
        } catch (RuntimeException e) {
            mine.complete(new Confirmed(CredentialCheck.connectionFailed(e.getClass().getSimpleName(), Duration.ZERO), Optional.empty()));
        }
        return mine.join();
    }

    private Confirmed confirm(String key, CopilotCredential c) {
        CredentialCheck check = copilot.check(c);
        if (!check.refused()) {
            confirmedRefusals.remove(key);
            return new Confirmed(check, Optional.empty());
        }
        if (Integer.valueOf(check.httpStatus()).equals(confirmedRefusals.get(key))) {
            return new Confirmed(check, Optional.empty()); // the same refusal as last time, already confirmed
        }
        try {
            Thread.sleep(verdicts.confirmDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Confirmed(CredentialCheck.connectionFailed("interrupted before confirming HTTP " + check.httpStatus(),
                    check.duration()), Optional.of(check.httpStatus()));
        }
        CredentialCheck second = copilot.check(c);
        if (second.refused()) {
            confirmedRefusals.put(key, second.httpStatus());
            return new Confirmed(second, Optional.empty());
        }
        confirmedRefusals.remove(key);
        LOG.infof("credential %s: HTTP %d from the Copilot API not confirmed by a second check (%s)", c.fingerprint(),
                check.httpStatus(), second.reason());
        return new Confirmed(second, Optional.of(check.httpStatus()));
    }

    private static void logChanges(WorkspaceState before, WorkspaceState after) {
        if (before.state() != after.state()) {
            String line = String.format("%s: copilot state %s -> %s", after.workspace(), before.state().label(), after.state().label());
            if (after.state() == CopilotState.WORKING) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
        logChange(after.workspace(), "up", before.up(), after.up());
        logChange(after.workspace(), "copilot provider", before.copilotProvider(), after.copilotProvider());
        logChange(after.workspace(), "credential " + after.credentialFingerprint().orElse("-"), before.credential(), after.credential());
        logChange(after.workspace(), "repository", before.repository(), after.repository());
    }

    private static void logChange(String workspace, String what, ProbeResult before, ProbeResult after) {
        if (before.outcome() != after.outcome()) {
            String line = String.format("%s: %s %s -> %s (%s)", workspace, what, before.outcome(), after.outcome(), after.reason());
            if (after.outcome() == ProbeResult.Outcome.PASS) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
    }

    private static <T> T awaitOr(Future<T> f, T fallback) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } catch (ExecutionException e) {
            LOG.warnf("a probe failed unexpectedly: %s", e.getCause().getClass().getSimpleName());
            return fallback;
        }
    }

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("a workspace probe failed unexpectedly: %s", e.getCause().getClass().getSimpleName());
        }
    }
}
