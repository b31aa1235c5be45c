package cloud.angryninja.keeper.kube;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Pure predicates over Deployments, with {@code kubectl rollout status} semantics. */
public final class Rollouts {

    private Rollouts() {
    }

    public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * The rollout of the current generation is complete, as {@code kubectl rollout status} decides:
     * observedGeneration >= generation, updatedReplicas == replicas, status.replicas == updatedReplicas
     * (no old pods left) and availableReplicas == updatedReplicas.
     */
    public static boolean isComplete(Deployment d) {
        DeploymentStatus status = d.getStatus();
        if (status == null || d.getMetadata().getGeneration() == null) {
            return false;
        }
        long observed = status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
        int wanted = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int updated = orZero(status.getUpdatedReplicas());
        return observed >= d.getMetadata().getGeneration()
                && updated == wanted
                && orZero(status.getReplicas()) == updated
                && orZero(status.getAvailableReplicas()) == updated;
    }

    /** Condition {@code Progressing} has reason {@code ProgressDeadlineExceeded}: the rollout is stuck for good. */
    public static boolean hasFailed(Deployment d) {
        return progressing(d).map(c -> PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason())).orElse(false);
    }

    /** The controller has seen at least {@code generation}. */
    public static boolean hasObserved(Deployment d, long generation) {
        return d.getStatus() != null && d.getStatus().getObservedGeneration() != null
                && d.getStatus().getObservedGeneration() >= generation;
    }

    /** SHA-256 of the pod template: any change of it (restartedAt, Reloader, an image bump) rolls the pods. */
    public static String templateFingerprint(Deployment d) {
        Object template = d.getSpec() == null ? null : d.getSpec().getTemplate();
        return Sha256.hex(SERIALIZATION.asJson(template));
    }

    /** A rollout started after the snapshot: the pod template changed. */
    public static boolean startedSince(RolloutSnapshot before, Deployment now) {
        return !before.templateFingerprint().equals(templateFingerprint(now));
    }

    /** Reloader is expected to roll this Deployment when Secret {@code secret} changes. */
    public static boolean isWatchedByReloader(Deployment d, String secret) {
        Map<String, String> annotations = d.getMetadata().getAnnotations();
        if (annotations == null) {
            return false;
        }
        return "true".equalsIgnoreCase(annotations.get(KeeperAnnotations.RELOADER_AUTO))
                || "true".equalsIgnoreCase(annotations.get(KeeperAnnotations.RELOADER_SECRET_AUTO))
                || "true".equalsIgnoreCase(annotations.get(KeeperAnnotations.RELOADER_SEARCH))
                || Optional.ofNullable(annotations.get(KeeperAnnotations.RELOADER_SECRET_RELOAD))
                        .map(list -> Arrays.stream(list.split(",")).map(String::trim).anyMatch(secret::equals))
                        .orElse(false);
    }

    /** The {@link KeeperAnnotations#ROLLED_OUT_FOR} value for a rollout of {@code generation} after the Secret held {@code secretSha256}. */
    public static String rolloutRecord(String secretSha256, long generation) {
        return Sha256.shortHex(secretSha256) + "@" + generation;
    }

    /**
     * The Deployment's record says a rollout of a generation no newer than the current one started after the Secret
     * held the value with this SHA-256: every pod of the current generation was created after that, so it read that
     * value at start (as long as the Secret still holds it).
     */
    public static boolean rolledOutFor(Deployment d, String secretSha256) {
        if (d == null || d.getMetadata().getAnnotations() == null) {
            return false;
        }
        String record = d.getMetadata().getAnnotations().get(KeeperAnnotations.ROLLED_OUT_FOR);
        if (record == null || record.indexOf('@') < 0) {
            return false;
        }
        String sha = record.substring(0, record.indexOf('@'));
        long recorded;
        try {
            recorded = Long.parseLong(record.substring(record.indexOf('@') + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        return sha.equals(Sha256.shortHex(secretSha256)) && recorded <= generation;
    }

    /** One line of the observed rollout state, for reports. */
    public static String describe(Deployment d) {
        if (d == null) {
            return "Deployment not found";
        }
        DeploymentStatus s = d.getStatus();
        String counts = s == null ? "no status"
                : "generation " + d.getMetadata().getGeneration() + " observed " + s.getObservedGeneration()
                        + ", replicas " + orZero(s.getReplicas()) + " updated " + orZero(s.getUpdatedReplicas())
                        + " available " + orZero(s.getAvailableReplicas());
        return counts + progressing(d).map(c -> ", Progressing=" + c.getStatus() + " " + c.getReason()
                + Optional.ofNullable(c.getMessage()).map(m -> " \"" + m + "\"").orElse("")).orElse("");
    }

    private static Optional<DeploymentCondition> progressing(Deployment d) {
        if (d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream().filter(c -> "Progressing".equals(c.getType())).findFirst();
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
