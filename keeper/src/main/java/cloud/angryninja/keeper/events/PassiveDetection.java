package cloud.angryninja.keeper.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import cloud.angryninja.keeper.copilot.CopilotConfig;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.leader.LeadershipConfig;
import cloud.angryninja.keeper.probe.ProbeCycle;
import cloud.angryninja.keeper.probe.Prober;
import cloud.angryninja.keeper.probe.RateLimitWindow;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.WorkspaceEvent;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Passive detection: the keeper reads every workspace's OpenCode event stream
 * ({@code GET /global/event}) and, when OpenCode reports a user's Copilot request refused with 401,
 * 403 or 429, counts it and probes that workspace at once, so {@code credential_valid} and the
 * state follow the first failing request instead of the next probe cycle; a 429 also starts the
 * {@code rate_limited} window ({@code keeper.probe.rate-limit-window}). Streams run on their own virtual threads,
 * reconnect with backoff, and never hold up probes or shutdown.
 */
@ApplicationScoped
public class PassiveDetection {

    private static final Logger LOG = Logger.getLogger(PassiveDetection.class);
    private static final Duration WATCHDOG_TICK = Duration.ofSeconds(1);

    /** A followed workspace: its stream, what the stream reports, and its coalesced re-check. */
    private final class Followed implements EventStream.Listener {
        final EventStream stream;
        final AtomicBoolean recheckRunning = new AtomicBoolean();
        final AtomicBoolean recheckWanted = new AtomicBoolean();
        volatile boolean down;

        Followed(Workspace w) {
            this.stream = new EventStream(w, http, copilotApi, backoff, config.idleTimeout(), this);
        }

        /** Reports of a stream that was replaced or stopped change nothing. */
        private boolean current() {
            return followed.get(stream.workspace().name()) == this;
        }

        @Override
        public void connected(Workspace workspace) {
            if (!current()) {
                return;
            }
            metrics.connected(workspace.name(), true);
            if (down) {
                down = false;
                LOG.infof("%s: event stream reconnected", workspace.name());
            }
        }

        @Override
        public void disconnected(Workspace workspace, String reason) {
            if (!current()) {
                return;
            }
            metrics.connected(workspace.name(), false);
            if (!down) {
                down = true;
                LOG.warnf("%s: event stream down (%s); reconnecting with backoff", workspace.name(), reason);
            }
        }

        @Override
        public void reconnecting(Workspace workspace) {
            if (current()) {
                metrics.reconnecting(workspace.name());
            }
        }

        @Override
        public void copilotAuthError(Workspace workspace, int status) {
            if (!current() || !reacting) {
                return; // with leader election on, the leader counts and probes (each replica reads the same stream)
            }
            metrics.copilotAuthError(workspace.name(), status);
            rateLimits.refused(workspace.name(), status);
            LOG.infof("%s: OpenCode reports a Copilot request refused with HTTP %d%s; checking the credential now",
                    workspace.name(), status, status == 429 ? " (rate-limited)" : "");
            recheck(this);
        }
    }

    private final Workspaces workspaces;
    /** The streams' HTTP client, made when they start (none when passive detection is off). */
    private volatile HttpClient http;
    private final URI copilotApi;
    private final EventsConfig config;
    private final EventMetrics metrics;
    private final Prober prober;
    private final RateLimitWindow rateLimits;
    private final Backoff backoff;
    private final Map<String, Followed> followed = new ConcurrentHashMap<>();
    private volatile boolean running;
    /** Whether a refused request is counted and probed: this replica leads (it reads the streams either way). */
    private volatile boolean reacting;
    private volatile Thread watchdog;

    @Inject
    cloud.angryninja.keeper.probe.ProbeConfig probeConfig;

    @Inject
    LeadershipConfig election;

    @Inject
    public PassiveDetection(Workspaces workspaces, CopilotConfig copilot, EventsConfig config,
            EventMetrics metrics, Prober prober, RateLimitWindow rateLimits) {
        this.workspaces = workspaces;
        this.copilotApi = copilot.apiUrl();
        this.config = config;
        this.metrics = metrics;
        this.prober = prober;
        this.rateLimits = rateLimits;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax()); // EventsConfig's constraints hold
    }

    /**
     * With leader election on, at start-up: a follower runs no probe cycle. Without it, once the first probe cycle ended
     * ({@link #onCycle}).
     */
    void onStart(@Observes StartupEvent event) {
        if (election.enabled()) {
            startStreams();
        }
    }

    /**
     * The streams start once the first probe cycle ended, off the way to ready: their HTTP client (the JDK's, with its
     * TLS context) and the streams' first events would otherwise take the CPU of a small node from the first cycle, which
     * readiness waits for. Until then the cycle itself is looking. Later cycles find them started.
     */
    void onCycle(@Observes ProbeCycle.Ended cycle) {
        if (!begun.get()) {
            Thread.ofVirtual().name("passive-detection-start").start(this::startStreams);
        }
    }

    /** Set once by {@link #stop()}: streams never start after it. */
    private boolean stopped;
    /** Set by the first {@link #startStreams()}: they start once. */
    private final AtomicBoolean begun = new AtomicBoolean();

    private void startStreams() {
        if (begun.getAndSet(true)) {
            return;
        }
        if (!config.enabled()) {
            LOG.info("passive detection is off (keeper.events.enabled=false): credential_valid follows the probe cycle only");
            return;
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            http = EventStream.httpClient(probeConfig.timeout());
            running = true;
            workspaces.all().forEach(this::follow);
        }
        watchdog = Thread.ofVirtual().name("events-watchdog").start(this::watch);
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Leadership starts and stops the reaction to refused requests; the streams themselves run on every replica. */
    void onLeadership(@Observes Leadership.LeadershipChange change) {
        reacting = change.leading();
    }

    /** Streams follow discovered workspaces as they join, change and leave. */
    void onWorkspace(@Observes WorkspaceEvent event) {
        switch (event.kind()) {
            case JOINED, CHANGED -> follow(event.workspace());
            case LEFT -> unfollow(event.workspace().name());
        }
    }

    /** Starts reading the workspace's stream; a changed workspace (URL, password, …) gets a new stream. */
    public synchronized void follow(Workspace workspace) {
        if (!running) {
            return;
        }
        metrics.register(workspace.name());
        Followed current = followed.get(workspace.name());
        if (current != null && current.stream.workspace().equals(workspace)) {
            return;
        }
        Followed next = new Followed(workspace);
        Followed previous = followed.put(workspace.name(), next);
        if (previous != null) {
            previous.stream.stop();
        }
        next.stream.start();
    }

    /** Stops reading the workspace's stream. */
    public synchronized void unfollow(String workspace) {
        Followed f = followed.remove(workspace);
        if (f != null) {
            f.stream.stop();
        }
    }

    /** Names of the workspaces whose streams run. */
    public List<String> followed() {
        return List.copyOf(new java.util.TreeSet<>(followed.keySet()));
    }

    /** Stops every stream and waits at most two seconds for their threads. */
    public void stop() {
        synchronized (this) {
            stopped = true;
            running = false;
        }
        Thread w = watchdog;
        if (w != null) {
            w.interrupt();
        }
        List<Followed> all = new ArrayList<>(followed.values());
        followed.clear();
        all.forEach(f -> f.stream.stop());
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (Followed f : all) {
            try {
                f.stream.awaitStopped(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void watch() {
        while (running) {
            try {
                Thread.sleep(WATCHDOG_TICK);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            followed.values().forEach(f -> f.stream.cutIfIdle(now));
        }
    }

    /** Probes the workspace now; requests arriving while a probe runs are folded into one more probe. */
    private void recheck(Followed f) {
        f.recheckWanted.set(true);
        if (f.recheckRunning.compareAndSet(false, true)) {
            Thread.ofVirtual().name("events-recheck-" + f.stream.workspace().name()).start(() -> drain(f));
        }
    }

    private void drain(Followed f) {
        do {
            while (f.recheckWanted.getAndSet(false)) {
                Optional<Workspace> current = workspaces.byName(f.stream.workspace().name());
                if (current.isEmpty() || !running) {
                    f.recheckWanted.set(false);
                    break;
                }
                try {
                    prober.probeNow(current.get());
                } catch (RuntimeException e) {
                    LOG.warnf("%s: the probe after a refused Copilot request failed: %s", current.get().name(),
                            e.getClass().getSimpleName());
                }
            }
            f.recheckRunning.set(false);
        } while (f.recheckWanted.get() && f.recheckRunning.compareAndSet(false, true));
    }
}
