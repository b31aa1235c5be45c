package cloud.angryninja.keeper.kube;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** Pure predicates over ESO {@code external-secrets.io/v1} ExternalSecrets, read as generic resources. */
public final class ExternalSecrets {

    private ExternalSecrets() {
    }

    public static final String GROUP = "external-secrets.io";
    public static final String VERSION = "v1";
    public static final String KIND = "ExternalSecret";
    public static final String PLURAL = "externalsecrets";
    public static final String REASON_SYNCED = "SecretSynced";
    public static final String CREATED_ONCE = "CreatedOnce";

    /** How the Kubernetes client addresses ExternalSecrets without their CRD class. */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP)
            .withVersion(VERSION)
            .withKind(KIND)
            .withPlural(PLURAL)
            .withNamespaced(true)
            .build();

    /**
     * ESO synced it at or after {@code since}: {@code Ready=True} with reason {@code SecretSynced} and
     * {@code status.refreshTime >= since}, compared at second precision (refreshTime has no fractions).
     */
    public static boolean isSynced(GenericKubernetesResource es, Instant since) {
        Optional<Map<String, Object>> ready = readyCondition(es);
        return ready.isPresent()
                && "True".equals(ready.get().get("status"))
                && REASON_SYNCED.equals(ready.get().get("reason"))
                && refreshTime(es).filter(t -> !t.isBefore(since.truncatedTo(ChronoUnit.SECONDS))).isPresent();
    }

    /** {@code spec.refreshPolicy: CreatedOnce}: ESO never updates the Secret again, so a forced sync cannot work. */
    public static boolean isCreatedOnce(GenericKubernetesResource es) {
        return CREATED_ONCE.equals(string(es, "spec", "refreshPolicy").orElse(null));
    }

    /** {@code "reason: message"} of a {@code Ready=False} condition; empty while not failed. */
    public static Optional<String> failureReason(GenericKubernetesResource es) {
        return readyCondition(es)
                .filter(c -> "False".equals(c.get("status")))
                .map(c -> Optional.ofNullable(c.get("reason")).orElse("NotReady") + ": "
                        + Optional.ofNullable(c.get("message")).orElse("(no message)"));
    }

    /**
     * {@code Ready=False} that turned so at or after {@code since}: a failure of the sync forced at {@code since},
     * not one left over from before.
     */
    public static boolean hasFailedSince(GenericKubernetesResource es, Instant since) {
        Optional<Map<String, Object>> ready = readyCondition(es);
        return ready.isPresent()
                && "False".equals(ready.get().get("status"))
                && instant(ready.get().get("lastTransitionTime"))
                        .filter(t -> !t.isBefore(since.truncatedTo(ChronoUnit.SECONDS))).isPresent();
    }

    /** {@code status.refreshTime}, the last successful sync. */
    public static Optional<Instant> refreshTime(GenericKubernetesResource es) {
        return string(es, "status", "refreshTime").flatMap(ExternalSecrets::instant);
    }

    /** Name of the Secret ESO writes: {@code spec.target.name}, by default the ExternalSecret's own name. */
    public static String targetSecretName(GenericKubernetesResource es) {
        return string(es, "spec", "target", "name").filter(n -> !n.isBlank()).orElse(es.getMetadata().getName());
    }

    /** One line of the observed sync state, for timeout reports. */
    public static String describe(GenericKubernetesResource es) {
        if (es == null) {
            return "ExternalSecret not found";
        }
        Optional<Map<String, Object>> ready = readyCondition(es);
        return ready.map(c -> "Ready=" + c.get("status") + " reason=" + c.get("reason")
                + Optional.ofNullable(c.get("message")).map(m -> " message=\"" + m + "\"").orElse(""))
                .orElse("no Ready condition")
                + ", refreshTime=" + refreshTime(es).map(Instant::toString).orElse("none");
    }

    @SuppressWarnings("unchecked")
    static Optional<Map<String, Object>> readyCondition(GenericKubernetesResource es) {
        Object status = es.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> statusMap) || !(statusMap.get("conditions") instanceof List<?> conditions)) {
            return Optional.empty();
        }
        return conditions.stream()
                .filter(Map.class::isInstance)
                .map(c -> (Map<String, Object>) c)
                .filter(c -> "Ready".equals(c.get("type")))
                .findFirst();
    }

    private static Optional<String> string(GenericKubernetesResource es, String... path) {
        Object node = es.getAdditionalProperties();
        for (String key : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            node = map.get(key);
        }
        return node instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private static Optional<Instant> instant(Object value) {
        if (!(value instanceof String text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
