package cloud.angryninja.keeper.adoption;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.adoption.AdoptionStatus.State;

/**
 * Where each workspace's adoption stands ({@link Adoption} judges, this records): a result that ends a judgement is
 * counted once per workspace, credential and result; pending again for the same reason is logged once.
 */
final class AdoptionStatuses {

    /** The adoption's log category. */
    private static final Logger LOG = Logger.getLogger(Adoption.class);

    private final CredentialMetrics metrics;
    private final Clock clock;
    private final Map<String, AdoptionStatus> statuses = new ConcurrentHashMap<>();
    private final Set<String> counted = ConcurrentHashMap.newKeySet();
    private final Map<String, String> lastPending = new ConcurrentHashMap<>();

    AdoptionStatuses(CredentialMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The last status recorded for the workspace, whichever credential it was about. */
    Optional<AdoptionStatus> last(String workspace) {
        return Optional.ofNullable(statuses.get(workspace));
    }

    /** A status on the way (judging, adopting), or one that ends nothing to count (in sync). */
    void set(String workspace, AdoptionStatus status) {
        statuses.put(workspace, status);
    }

    /** A state that ends a judgement: counted once per workspace, credential and result. */
    void settle(String workspace, AdoptionStatus status, State result) {
        statuses.put(workspace, status);
        if (counted.add(workspace + ":" + status.credential() + ":" + result.label())) {
            metrics.adoption(workspace, result);
        }
    }

    void refused(String workspace, String fp, String why) {
        settle(workspace, AdoptionStatus.of(State.REFUSED, fp, why + "; not adopted, nothing changed", clock.instant()), State.REFUSED);
        LOG.warnf("%s: reported credential %s not adopted: %s", workspace, fp, why);
    }

    /** Pending again for the same reason (every report while Doppler is unreachable, say): logged once. */
    void pending(String workspace, String fp, String why) {
        if (!(fp + ":" + why).equals(lastPending.put(workspace, fp + ":" + why))) {
            LOG.infof("%s: reported credential %s: %s; judged again at the next report", workspace, fp, why);
        }
        statuses.put(workspace, AdoptionStatus.of(State.PENDING, fp, why + "; judged again at the workspace's next report", clock.instant()));
    }

    /** A workspace that left is forgotten. */
    void forget(String workspace) {
        statuses.remove(workspace);
        lastPending.remove(workspace);
    }

    /** A replica that stops leading forgets every adoption. */
    void clear() {
        statuses.clear();
        counted.clear();
        lastPending.clear();
    }
}
