package cloud.angryninja.keeper.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Forces ESO to sync one ExternalSecret now and waits, with a deadline, until ESO reports the sync and the
 * target Secret's key holds the expected value (compared by SHA-256, never logged).
 * <p>
 * Waiting uses the client's {@code waitUntilCondition}, an informer on the one object (list + watch), not polling.
 */
public class ExternalSecretSync {

    private static final Logger LOG = Logger.getLogger(ExternalSecretSync.class);
    private static final PatchContext MERGE_PATCH = new PatchContext.Builder()
            .withPatchType(PatchType.JSON_MERGE)
            .withFieldManager(KeeperAnnotations.FIELD_MANAGER)
            .build();

    private final KubernetesClient client;
    private final Duration timeout;
    private final Clock clock;

    public ExternalSecretSync(KubernetesClient client, Duration timeout, Clock clock) {
        this.client = client;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Why a forced sync of this request cannot work, checked without changing anything: the ExternalSecret is
     * missing, has {@code refreshPolicy: CreatedOnce}, or writes another Secret. Empty when it can.
     */
    public Optional<String> precheck(SyncRequest request) {
        GenericKubernetesResource es = externalSecret(request).get();
        if (es == null) {
            return Optional.of("ExternalSecret " + request.externalSecretRef() + " not found");
        }
        if (ExternalSecrets.isCreatedOnce(es)) {
            return Optional.of("ExternalSecret " + request.externalSecretRef() + " has refreshPolicy CreatedOnce: ESO never "
                    + "updates its Secret again, so a forced sync cannot deliver a new value; set refreshPolicy to Periodic or OnChange");
        }
        String target = ExternalSecrets.targetSecretName(es);
        if (!target.equals(request.secret())) {
            return Optional.of("ExternalSecret " + request.externalSecretRef() + " writes Secret " + target + ", not "
                    + request.secret());
        }
        return Optional.empty();
    }

    /**
     * Sets {@code force-sync=<epoch seconds>} (JSON merge patch, field manager {@code opencode-keeper}) and waits until
     * ESO synced since then and the Secret's key holds the expected value. Refuses, patching nothing, whatever
     * {@link #precheck} refuses.
     */
    public SyncResult sync(SyncRequest request) {
        long start = System.nanoTime();
        String ref = request.externalSecretRef();
        String expected = "Secret " + request.namespace() + "/" + request.secret() + " key " + request.key();
        Optional<Instant> forcedAt = Optional.empty();
        try {
            Optional<String> problem = precheck(request);
            if (problem.isPresent()) {
                return result(start, Outcome.FAILURE, problem.get(), forcedAt);
            }
            forcedAt = Optional.of(forceSync(request));
            Instant since = forcedAt.get();

            GenericKubernetesResource es = externalSecret(request).waitUntilCondition(
                    e -> e != null && (ExternalSecrets.isSynced(e, since) || ExternalSecrets.hasFailedSince(e, since)),
                    remainingMillis(start), TimeUnit.MILLISECONDS);
            if (!ExternalSecrets.isSynced(es, since)) {
                return result(start, Outcome.FAILURE, "ESO could not sync ExternalSecret " + ref + ": "
                        + ExternalSecrets.failureReason(es).orElse(ExternalSecrets.describe(es)), forcedAt);
            }
            secret(request).waitUntilCondition(s -> holds(s, request.key(), request.expectedSha256()),
                    remainingMillis(start), TimeUnit.MILLISECONDS);
            return result(start, Outcome.SUCCESS, "ExternalSecret " + ref + " synced at "
                    + ExternalSecrets.refreshTime(es).map(Instant::toString).orElse("?") + "; " + expected
                    + " holds the expected value (sha256 " + Sha256.shortHex(request.expectedSha256()) + ")", forcedAt);
        } catch (KubernetesClientTimeoutException e) {
            return result(start, Outcome.TIMEOUT, "ExternalSecret " + ref + " not synced within " + timeout.toSeconds() + " s: "
                    + observed(request), forcedAt);
        } catch (KubernetesClientException e) {
            return result(start, Outcome.FAILURE, "Kubernetes API error on ExternalSecret " + ref + ": " + KubeErrors.describe(e),
                    forcedAt);
        }
    }

    /** Whether the Secret's key holds a value with this SHA-256. */
    public static boolean holds(Secret secret, String key, String expectedSha256) {
        return valueSha256(secret, key).filter(expectedSha256::equals).isPresent();
    }

    private static Optional<String> valueSha256(Secret secret, String key) {
        if (secret == null || secret.getData() == null || secret.getData().get(key) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Sha256.hex(Base64.getDecoder().decode(secret.getData().get(key))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Instant forceSync(SyncRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long epoch = now.getEpochSecond();
        GenericKubernetesResource current = externalSecret(request).get();
        Map<String, String> annotations = current.getMetadata().getAnnotations();
        String previous = annotations == null ? null : annotations.get(KeeperAnnotations.FORCE_SYNC);
        if (previous != null && previous.equals(Long.toString(epoch))) {
            // the same second as the last forced sync: a changed value is what makes ESO act
            epoch++;
        }
        String patch = "{\"metadata\":{\"annotations\":{\"" + KeeperAnnotations.FORCE_SYNC + "\":\"" + epoch + "\"}}}";
        externalSecret(request).patch(MERGE_PATCH, patch);
        LOG.infof("ExternalSecret %s: %s=%d set, waiting up to %d s for ESO", request.externalSecretRef(),
                KeeperAnnotations.FORCE_SYNC, epoch, timeout.toSeconds());
        return now;
    }

    private String observed(SyncRequest request) {
        try {
            String es = ExternalSecrets.describe(externalSecret(request).get());
            Secret secret = secret(request).get();
            String value = secret == null ? "Secret " + request.secret() + " not found"
                    : valueSha256(secret, request.key())
                            .map(sha -> "Secret key " + request.key() + " holds sha256 " + Sha256.shortHex(sha) + ", expected "
                                    + Sha256.shortHex(request.expectedSha256()))
                            .orElse("Secret has no key " + request.key());
            return es + "; " + value;
        } catch (KubernetesClientException e) {
            return "state unknown (" + KubeErrors.describe(e) + ")";
        }
    }

    private long remainingMillis(long start) {
        return KubeErrors.remainingMillis(timeout, start, "ExternalSecret", "sync");
    }

    private Resource<GenericKubernetesResource> externalSecret(SyncRequest request) {
        return client.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(request.namespace())
                .withName(request.externalSecret());
    }

    private Resource<Secret> secret(SyncRequest request) {
        return client.secrets().inNamespace(request.namespace()).withName(request.secret());
    }

    private SyncResult result(long start, Outcome outcome, String detail, Optional<Instant> forcedAt) {
        SyncResult result = new SyncResult(outcome, Duration.ofNanos(System.nanoTime() - start), detail, forcedAt);
        LOG.infof("ExternalSecret sync: %s in %d ms: %s", outcome.label(), result.duration().toMillis(), detail);
        return result;
    }
}
