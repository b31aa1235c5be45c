package cloud.angryninja.keeper.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Rolls a Deployment exactly once after its Secret changed, and waits for it with {@code kubectl rollout status}
 * semantics.
 * <p>
 * Use: {@link #snapshot} before the Secret changes, then {@link #rolloutOnce} after. If the pod template changed in
 * between (Reloader, or anyone), that rollout is joined; if Reloader watches the Deployment, it gets
 * {@code keeper.reseed.reloader-grace} to start one; otherwise the keeper sets
 * {@code kubectl.kubernetes.io/restartedAt} (JSON merge patch, field manager {@code opencode-keeper}).
 * Waiting uses the client's {@code waitUntilCondition} (an informer on the one object), not polling.
 */
public class DeploymentRollout {

    private static final Logger LOG = Logger.getLogger(DeploymentRollout.class);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final PatchContext MERGE_PATCH = new PatchContext.Builder()
            .withPatchType(PatchType.JSON_MERGE)
            .withFieldManager(KeeperAnnotations.FIELD_MANAGER)
            .build();

    private final KubernetesClient client;
    private final Duration timeout;
    private final Duration reloaderGrace;
    private final Clock clock;

    public DeploymentRollout(KubernetesClient client, Duration timeout, Duration reloaderGrace, Clock clock) {
        this.client = client;
        this.timeout = timeout;
        this.reloaderGrace = reloaderGrace;
        this.clock = clock;
    }

    /**
     * The Deployment as it is now, before the Secret {@code secret} changes; empty when it does not exist.
     */
    public Optional<RolloutSnapshot> snapshot(String namespace, String deployment, String secret) {
        Deployment d = deployment(namespace, deployment).get();
        if (d == null) {
            return Optional.empty();
        }
        return Optional.of(new RolloutSnapshot(namespace, deployment, generation(d), Rollouts.templateFingerprint(d),
                Rollouts.isWatchedByReloader(d, secret), clock.instant()));
    }

    /** Joins the rollout that started since {@code before}, or starts one, then waits for it to complete. */
    public RolloutResult rolloutOnce(RolloutSnapshot before) {
        return rollout(before, Optional.empty());
    }

    /**
     * Like {@link #rolloutOnce(RolloutSnapshot)}, for a Secret that now holds the value with SHA-256 {@code secretSha256}:
     * when the Deployment's {@link KeeperAnnotations#ROLLED_OUT_FOR} record shows a rollout already started after the
     * Secret held it ({@link Rollouts#rolledOutFor}), no new one is started and the current generation is waited for;
     * otherwise the rollout joined or started is recorded (a metadata annotation, which rolls nothing) before waiting,
     * so a re-run after a failure or a keeper restart finds it.
     */
    public RolloutResult rolloutOnceFor(RolloutSnapshot before, String secretSha256) {
        return rollout(before, Optional.of(secretSha256));
    }

    private RolloutResult rollout(RolloutSnapshot before, Optional<String> secretSha256) {
        long start = System.nanoTime();
        String ref = before.namespace() + "/" + before.deployment();
        RolloutResult.Mode mode = RolloutResult.Mode.NONE;
        try {
            Deployment d = deployment(before).get();
            if (d == null) {
                return result(start, Outcome.FAILURE, "Deployment " + ref + " not found", mode);
            }
            if (!Rollouts.startedSince(before, d) && before.watchedByReloader()) {
                d = awaitReloader(before, start).orElse(d);
            }
            String how;
            long generation;
            if (secretSha256.isPresent() && Rollouts.rolledOutFor(d, secretSha256.get())) {
                mode = RolloutResult.Mode.EARLIER;
                generation = generation(d);
                how = "no restart: a rollout recorded as started after the Secret held this value ("
                        + d.getMetadata().getAnnotations().get(KeeperAnnotations.ROLLED_OUT_FOR) + "), waited for generation "
                        + generation;
            } else if (Rollouts.startedSince(before, d)) {
                mode = RolloutResult.Mode.JOINED;
                generation = generation(d);
                how = "joined the rollout that started after the Secret changed (generation " + generation + ")";
            } else {
                Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                Deployment patched = deployment(before).patch(MERGE_PATCH, restartPatch(at));
                mode = RolloutResult.Mode.STARTED;
                generation = generation(patched);
                how = "restarted at " + at + " (generation " + generation + ")";
                LOG.infof("Deployment %s: %s=%s set, waiting up to %d s for the rollout", ref, KeeperAnnotations.RESTARTED_AT, at,
                        timeout.toSeconds());
            }
            if (secretSha256.isPresent() && mode != RolloutResult.Mode.EARLIER) {
                deployment(before).patch(MERGE_PATCH, recordPatch(Rollouts.rolloutRecord(secretSha256.get(), generation)));
            }
            Deployment done = deployment(before).waitUntilCondition(
                    x -> x != null && Rollouts.hasObserved(x, generation) && (Rollouts.isComplete(x) || Rollouts.hasFailed(x)),
                    remainingMillis(start), TimeUnit.MILLISECONDS);
            if (Rollouts.hasFailed(done)) {
                return result(start, Outcome.FAILURE, "rollout of Deployment " + ref + " failed (" + how + "): "
                        + Rollouts.describe(done), mode);
            }
            return result(start, Outcome.SUCCESS, "rollout of Deployment " + ref + " complete; " + how, mode);
        } catch (KubernetesClientTimeoutException e) {
            return result(start, Outcome.TIMEOUT, "rollout of Deployment " + ref + " not complete within " + timeout.toSeconds()
                    + " s (" + mode.name().toLowerCase(java.util.Locale.ROOT) + "): " + observed(before), mode);
        } catch (KubernetesClientException e) {
            return result(start, Outcome.FAILURE, "Kubernetes API error on Deployment " + ref + ": " + KubeErrors.describe(e), mode);
        }
    }

    /** Gives Reloader its grace period to change the pod template; empty if it did not. */
    private Optional<Deployment> awaitReloader(RolloutSnapshot before, long start) {
        long grace = Math.min(reloaderGrace.toMillis(), remainingMillis(start));
        try {
            return Optional.of(deployment(before).waitUntilCondition(x -> x != null && Rollouts.startedSince(before, x),
                    grace, TimeUnit.MILLISECONDS));
        } catch (KubernetesClientTimeoutException e) {
            LOG.infof("Deployment %s/%s: Reloader did not start a rollout within %d ms; restarting it", before.namespace(),
                    before.deployment(), grace);
            return Optional.empty();
        }
    }

    private static String restartPatch(Instant at) {
        return JSON.asJson(Map.of("spec", Map.of("template", Map.of("metadata",
                Map.of("annotations", Map.of(KeeperAnnotations.RESTARTED_AT, at.toString()))))));
    }

    private static String recordPatch(String record) {
        return JSON.asJson(Map.of("metadata", Map.of("annotations", Map.of(KeeperAnnotations.ROLLED_OUT_FOR, record))));
    }

    private String observed(RolloutSnapshot before) {
        try {
            return Rollouts.describe(deployment(before).get());
        } catch (KubernetesClientException e) {
            return "state unknown (" + KubeErrors.describe(e) + ")";
        }
    }

    private long remainingMillis(long start) {
        return KubeErrors.remainingMillis(timeout, start, "Deployment", "rollout");
    }

    private static long generation(Deployment d) {
        return d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
    }

    private RollableScalableResource<Deployment> deployment(RolloutSnapshot s) {
        return deployment(s.namespace(), s.deployment());
    }

    private RollableScalableResource<Deployment> deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name);
    }

    private RolloutResult result(long start, Outcome outcome, String detail, RolloutResult.Mode mode) {
        RolloutResult result = new RolloutResult(outcome, Duration.ofNanos(System.nanoTime() - start), detail, mode);
        LOG.infof("Deployment rollout: %s in %d ms: %s", outcome.label(), result.duration().toMillis(), detail);
        return result;
    }
}
