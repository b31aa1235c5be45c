package cloud.angryninja.keeper.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.virtual.threads.VirtualThreads;

import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The probe cycle: every workspace each {@code keeper.probe.interval} ({@link Prober#runCycle}), a job of the Quarkus
 * scheduler that leadership starts and stops, as Reloader's {@code OnStartedLeading} / {@code OnStoppedLeading} start and
 * stop its controllers: nothing in the cycle asks who leads. Started, it opens the {@link WorkspaceStates}, probes at once
 * (so the keeper is ready as soon as it has looked once) and then every interval, and probes a discovered workspace as
 * soon as it joins or changes. Stopped, the job is gone and the states, the 429 windows and the confirmed refusals are
 * forgotten, so a follower never reports an old "valid". With leader election off this replica starts leading at start-up.
 */
@ApplicationScoped
public class ProbeCycle {

    private static final Logger LOG = Logger.getLogger(ProbeCycle.class);
    static final String JOB = "probe-cycle";

    /** A cycle over every workspace ended. */
    public record Ended(int workspaces, int credentialChecks, Duration duration) {
    }

    private final Prober prober;
    private final Workspaces workspaces;
    private final WorkspaceStates states;
    private final RateLimitWindow rateLimits;
    private final ConfirmedRefusals refusals;
    private final ProbeConfig config;
    private final Scheduler scheduler;
    private final BackgroundWork background;
    private final Event<Ended> ended;
    private final AtomicLong cycles = new AtomicLong();
    /** How many cycles run now: the job skips its run while one does (see {@link #scheduledCycle()}). */
    private final AtomicInteger running = new AtomicInteger();
    private final Clock clock = Clock.systemUTC();
    private volatile Optional<Instant> lastCycleEnd = Optional.empty();
    private volatile Optional<Instant> activeSince = Optional.empty();

    @Inject
    public ProbeCycle(Prober prober, Workspaces workspaces, WorkspaceStates states, RateLimitWindow rateLimits, ConfirmedRefusals refusals,
            ProbeConfig config, Scheduler scheduler, @VirtualThreads ExecutorService background, Event<Ended> ended) {
        this.prober = prober;
        this.workspaces = workspaces;
        this.states = states;
        this.rateLimits = rateLimits;
        this.refusals = refusals;
        this.config = config;
        this.scheduler = scheduler;
        this.background = new BackgroundWork(background);
        this.ended = ended;
    }

    /** Before every other reaction to leadership: nothing is recorded once the states are forgotten. */
    void onLeadership(@Observes @Priority(Interceptor.Priority.APPLICATION) Leadership.LeadershipChange change) {
        if (change.leading()) {
            start();
        } else {
            stop();
        }
    }

    private synchronized void start() {
        if (activeSince.isPresent()) {
            return;
        }
        activeSince = Optional.of(clock.instant());
        states.open();
        background.run("the first probe cycle", () -> counted(running, this::cycle));
        String every = config.interval().toString();
        scheduler.newJob(JOB).setInterval(every).setDelayed(every).setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> scheduledCycle(), true).schedule();
    }

    private synchronized void stop() {
        if (activeSince.isEmpty()) {
            return;
        }
        activeSince = Optional.empty();
        scheduler.unscheduleJob(JOB);
        states.close();
        rateLimits.clear();
        refusals.clear();
    }

    /** The background probes (the first cycle, a joined workspace's probe) stop with the application. */
    void onShutdown(@Observes ShutdownEvent event) {
        background.stop();
    }

    /** A discovered workspace is probed as soon as it joins or changes, and forgotten when it leaves. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        Workspace w = event.workspace();
        switch (event.kind()) {
            case JOINED, CHANGED -> {
                if (active()) {
                    background.run("the probe of " + w.name(), () -> prober.probeNow(w));
                }
            }
            case LEFT -> {
                states.forget(w.name());
                rateLimits.forget(w.name());
            }
        }
    }

    /**
     * The job's cycle, unless a cycle runs already: the job's first run comes one interval after leadership started, and
     * a first cycle that takes longer (a slow start, a short interval) would otherwise run twice over, each taking the CPU
     * and the workspaces' answers from the other. The job's own {@code SKIP} keeps its runs apart; this keeps them off the
     * first cycle too. The first cycle itself always runs.
     */
    private void scheduledCycle() {
        if (!unlessRunning(running, this::cycle)) {
            LOG.debug("scheduled probe cycle skipped: a cycle still runs");
        }
    }

    private void cycle() {
        Prober.CycleReport report = prober.runCycle(workspaces.all());
        cycles.incrementAndGet();
        lastCycleEnd = Optional.of(clock.instant());
        ended.fire(new Ended(report.workspaces(), report.credentialChecks(), report.duration()));
        LOG.debugf("probe cycle: %d workspaces, %d credential checks, %d ms", report.workspaces(), report.credentialChecks(),
                report.duration().toMillis());
    }

    /** Runs {@code work}, counted in {@code running} while it runs. */
    static void counted(AtomicInteger running, Runnable work) {
        running.incrementAndGet();
        try {
            work.run();
        } finally {
            running.decrementAndGet();
        }
    }

    /** Runs {@code work} as {@link #counted} unless {@code running} counts one running; answers whether it ran. */
    static boolean unlessRunning(AtomicInteger running, Runnable work) {
        if (running.get() > 0) {
            return false;
        }
        counted(running, work);
        return true;
    }

    /** Whether the cycle runs: this replica leads. */
    public boolean active() {
        return activeSince.isPresent();
    }

    /** Since when the cycle runs, empty while this replica follows. */
    public Optional<Instant> activeSince() {
        return activeSince;
    }

    /** Completed cycles since start. */
    public long cycles() {
        return cycles.get();
    }

    public Optional<Instant> lastCycleEnd() {
        return lastCycleEnd;
    }
}
