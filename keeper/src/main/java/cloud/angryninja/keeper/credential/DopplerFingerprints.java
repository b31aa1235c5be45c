package cloud.angryninja.keeper.credential;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import cloud.angryninja.keeper.copilot.AuthJson;
import cloud.angryninja.keeper.copilot.AuthJsonException;
import cloud.angryninja.keeper.credential.CredentialStore;
import cloud.angryninja.keeper.doppler.DopplerException;
import cloud.angryninja.keeper.leader.Leadership;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Which credential Doppler holds for each workspace, by fingerprint only: read once per {@code keeper.probe.interval}
 * by the leader, and updated by every read and write of the reseed's {@link CredentialStore}. Unknown (so the drift is
 * NaN) until a read succeeded, and again after a read failed or when Doppler is not configured.
 */
@ApplicationScoped
public class DopplerFingerprints {

    private static final Logger LOG = Logger.getLogger(DopplerFingerprints.class);

    /**
     * What Doppler held under one name when last seen.
     *
     * @param fingerprint the credential's fingerprint; empty when Doppler holds no such secret or no usable credential
     * @param at          when it was seen
     */
    public record Seen(Optional<String> fingerprint, Instant at) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Workspaces workspaces;
    private final jakarta.inject.Provider<CredentialStore> store;
    /** Whether the scheduled reads run: this replica leads. */
    private volatile boolean leading;
    private final Clock clock = Clock.systemUTC();
    private volatile String lastProblem = "";

    @Inject
    public DopplerFingerprints(Workspaces workspaces, jakarta.inject.Provider<CredentialStore> store) {
        this.workspaces = workspaces;
        this.store = store;
    }

    /** What Doppler holds for {@code dopplerSecret}; empty while unknown. */
    public Optional<Seen> seen(String dopplerSecret) {
        return Optional.ofNullable(seen.get(dopplerSecret));
    }

    /** Every probe interval, the first one interval after start (until then a reseed or an adoption may read it). */
    @Scheduled(identity = "doppler-fingerprints", every = "${keeper.probe.interval}", delayed = "${keeper.probe.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (leading) {
            readNow();
        }
    }

    /** Reads every workspace's Doppler secret now. */
    public void readNow() {
        try {
            observed(store.get().read(workspaces.all().stream().map(Workspace::dopplerSecret).distinct().toList()));
            lastProblem = "";
        } catch (DopplerException e) {
            seen.clear();
            if (!e.getMessage().equals(lastProblem)) {
                lastProblem = e.getMessage();
                LOG.infof("Doppler unreadable, credential drift unknown: %s", e.getMessage());
            }
        } catch (RuntimeException e) {
            seen.clear();
            LOG.warnf("Doppler read for the credential drift failed: %s", e.getClass().getSimpleName());
        }
    }

    /** Doppler holds these values now (a read or a write): only their fingerprints are kept. */
    public void observed(Map<String, Optional<String>> values) {
        Instant now = clock.instant();
        values.forEach((name, value) -> seen.put(name, new Seen(value.flatMap(DopplerFingerprints::fingerprint), now)));
    }

    /** Pure: the fingerprint of the credential an auth.json text holds; empty when it holds none that can be used. */
    public static Optional<String> fingerprint(String authJson) {
        try {
            return Optional.of(AuthJson.parse(authJson).fingerprint());
        } catch (AuthJsonException e) {
            return Optional.empty();
        }
    }

    /** Leadership starts and stops the reads; a replica that stops leading forgets what it saw. */
    void onLeadership(@Observes Leadership.LeadershipChange change) {
        leading = change.leading();
        if (!change.leading()) {
            seen.clear();
        }
    }
}
