package cloud.angryninja.keeper.leader;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;

/**
 * Which replica probes and reseeds. With {@code keeper.leader-election.enabled=false} (one replica)
 * this replica always leads. Enabled, the replicas compete for a coordination.k8s.io/v1 Lease with
 * fabric8's leader elector: the holder leads until it cannot renew for the renew deadline; a new
 * election starts at once after a loss. Every change is announced as a {@link LeadershipChange}, the one way work
 * starts and stops with leadership; without election, once at start-up.
 */
@Startup
@ApplicationScoped
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);
    public static final String LEADER = "opencode_keeper_leader";
    /** The Lease's default name, pinned in the optional rule of the keeper's Role. */
    public static final String DEFAULT_LEASE = "opencode-keeper-leader";

    /** Announced when this replica starts or stops leading. */
    public record LeadershipChange(boolean leading) {
    }

    private final LeadershipConfig config;
    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final Event<LeadershipChange> changes;
    private final String identity;
    private final Gauge gauge;
    private volatile boolean leading;
    private final AtomicReference<Optional<String>> leader = new AtomicReference<>(Optional.empty());
    private volatile boolean running;
    private volatile Future<?> election;
    private volatile Thread loop;

    @Inject
    public Leadership(LeadershipConfig config, KubernetesClient client, MeterRegistry registry, Event<LeadershipChange> changes) {
        this.config = config;
        this.client = client;
        this.registry = registry;
        this.changes = changes;
        this.identity = config.identity().filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")).filter(s -> !s.isBlank()))
                .orElseGet(() -> "keeper-" + UUID.randomUUID().toString().substring(0, 8));
        this.leading = !config.enabled();
        if (leading) {
            leader.set(Optional.of(identity));
        }
        this.gauge = Gauge.builder(LEADER, this, l -> l.leading ? 1 : 0)
                .description("1 while this replica leads (probes and reseeds), 0 while it follows").strongReference(true)
                .register(registry);
    }

    /**
     * Pure: why the durations cannot work, if they cannot (lease &gt; renew deadline &gt; retry period &gt; 0); the mapping's
     * check ({@link LeadershipConfig#check}) stops the start with it.
     */
    static Optional<String> checkDurations(Duration lease, Duration renewDeadline, Duration retryPeriod) {
        if (retryPeriod.isNegative() || retryPeriod.isZero()) {
            return Optional.of("retry-period must be positive");
        }
        if (renewDeadline.compareTo(retryPeriod) <= 0) {
            return Optional.of("renew-deadline must be longer than retry-period");
        }
        if (lease.compareTo(renewDeadline) <= 0) {
            return Optional.of("lease-duration must be longer than renew-deadline");
        }
        return Optional.empty();
    }

    /**
     * With leader election off this replica leads from the start: its work starts now, as it would when it took the
     * Lease ({@link LeadershipChange}). On, the election starts.
     */
    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            changes.fire(new LeadershipChange(true));
            return;
        }
        String namespace = config.leaseNamespace().filter(s -> !s.isBlank()).orElseGet(client::getNamespace);
        LOG.infof("leader election on: Lease %s/%s as %s (lease %ds, renew deadline %ds, retry %ds)", namespace,
                config.leaseName(), identity, config.leaseDuration().toSeconds(), config.renewDeadline().toSeconds(),
                config.retryPeriod().toSeconds());
        LeaderElectionConfig election = electionConfig(namespace, config.leaseName(), identity, config,
                new LeaderCallbacks(this::started, this::stopped, this::newLeader));
        running = true;
        loop = Thread.ofVirtual().name("leader-election").start(() -> elect(election));
    }

    /** The election on the Lease {@code namespace/leaseName} as {@code identity}; the Lease is released on shutdown. */
    public static LeaderElectionConfig electionConfig(String namespace, String leaseName, String identity, LeadershipConfig config,
            LeaderCallbacks callbacks) {
        return new LeaderElectionConfigBuilder()
                .withName("opencode-keeper")
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(callbacks)
                .build();
    }

    /** Runs elections one after the other: a lost leadership (or a failed election) starts the next one. */
    private void elect(LeaderElectionConfig election) {
        while (running) {
            CompletableFuture<?> current = client.leaderElector().withConfig(election).build().start();
            this.election = current;
            try {
                current.get();
            } catch (InterruptedException e) {
                current.cancel(true);
                return;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                if (running) {
                    LOG.warnf("leader election ended with %s; starting again", e.getClass().getSimpleName());
                }
            }
            stopped(); // the elector calls it too; a second call changes nothing
            if (running) {
                try {
                    Thread.sleep(config.retryPeriod());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops electing and gives the Lease up (the other replica takes over without waiting for it to expire). */
    void onStop(@Observes ShutdownEvent event) {
        running = false;
        Future<?> current = election;
        if (current != null) {
            current.cancel(true);
        }
        Thread t = loop;
        if (t != null) {
            t.interrupt();
        }
        stopped();
        registry.remove(gauge);
    }

    private synchronized void started() {
        if (!leading) {
            leading = true;
            leader.set(Optional.of(identity));
            LOG.infof("%s leads: probing and reseeding here", identity);
            changes.fire(new LeadershipChange(true));
        }
    }

    private synchronized void stopped() {
        if (leading && config.enabled()) {
            leading = false;
            LOG.warnf("%s stopped leading: probes and reseeds stop here", identity);
            changes.fire(new LeadershipChange(false));
        }
    }

    private void newLeader(String holder) {
        leader.set(Optional.ofNullable(holder));
        if (holder != null && !holder.equals(identity)) {
            LOG.infof("the leader is %s", holder);
        }
    }

    /**
     * This replica probes and reseeds now. Work does not ask: it starts and stops with {@link LeadershipChange}; only
     * the API's answer to a follower ({@link FollowerReply#unlessLeading}) asks.
     */
    public boolean leads() {
        return leading;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The holder of the Lease as last seen, empty before the first election result. */
    public Optional<String> leader() {
        return leader.get();
    }

    public String identity() {
        return identity;
    }

    /** Seconds a client should wait before asking again: one retry period, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, config.retryPeriod().toSeconds());
    }
}
