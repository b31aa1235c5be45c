package cloud.angryninja.keeper.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.Tier;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/** The ExternalSecret predicates on objects built in memory. */
@Tier.Unit
class ExternalSecretsTest {

    private static final Instant PATCHED = Instant.parse("2026-03-01T10:00:00.700Z");

    private static GenericKubernetesResource es(String refreshPolicy, Map<String, Object> status) {
        GenericKubernetesResource es = MockCluster.externalSecret("opencode", "opencode-flux", "opencode-flux-secret",
                "COPILOT_AUTH_JSON", "OPENCODE_FLUX_COPILOT_AUTH_JSON", refreshPolicy);
        if (status != null) {
            es.setAdditionalProperty("status", status);
        }
        return es;
    }

    private static Map<String, Object> status(String ready, String reason, String refreshTime, String transition) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", "Ready");
        condition.put("status", ready);
        condition.put("reason", reason);
        condition.put("message", ready.equals("True") ? "secret synced" : "could not get secret data from provider");
        condition.put("lastTransitionTime", transition);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("conditions", List.of(condition));
        if (refreshTime != null) {
            status.put("refreshTime", refreshTime);
        }
        return status;
    }

    @Test
    void syncedWhenReadyTrueSecretSyncedAndRefreshedSinceAtSecondPrecision() {
        // refreshTime has whole seconds: the same second as the patch counts
        assertThat(ExternalSecrets.isSynced(es("Periodic", status("True", "SecretSynced", "2026-03-01T10:00:00Z", "2026-03-01T09:00:00Z")),
                PATCHED)).isTrue();
        assertThat(ExternalSecrets.isSynced(es("Periodic", status("True", "SecretSynced", "2026-03-01T10:00:05Z", "2026-03-01T09:00:00Z")),
                PATCHED)).isTrue();
    }

    @Test
    void notSyncedWhenRefreshIsOlderOrConditionIsWrong() {
        assertThat(ExternalSecrets.isSynced(es("Periodic", status("True", "SecretSynced", "2026-03-01T09:59:59Z", "2026-03-01T09:00:00Z")),
                PATCHED)).isFalse();
        assertThat(ExternalSecrets.isSynced(es("Periodic", status("False", "SecretSyncedError", "2026-03-01T10:00:05Z", "2026-03-01T10:00:05Z")),
                PATCHED)).isFalse();
        assertThat(ExternalSecrets.isSynced(es("Periodic", status("True", "SecretDeleted", "2026-03-01T10:00:05Z", "2026-03-01T10:00:05Z")),
                PATCHED)).isFalse();
        assertThat(ExternalSecrets.isSynced(es("Periodic", status("True", "SecretSynced", null, "2026-03-01T10:00:05Z")), PATCHED)).isFalse();
        assertThat(ExternalSecrets.isSynced(es("Periodic", null), PATCHED)).isFalse();
    }

    @Test
    void createdOnceIsRecognised() {
        assertThat(ExternalSecrets.isCreatedOnce(es("CreatedOnce", null))).isTrue();
        assertThat(ExternalSecrets.isCreatedOnce(es("Periodic", null))).isFalse();
        assertThat(ExternalSecrets.isCreatedOnce(es("OnChange", null))).isFalse();
    }

    @Test
    void failureReasonComesFromReadyFalse() {
        assertThat(ExternalSecrets.failureReason(es("Periodic", status("False", "SecretSyncedError", null, "2026-03-01T10:00:01Z"))))
                .contains("SecretSyncedError: could not get secret data from provider");
        assertThat(ExternalSecrets.failureReason(es("Periodic", status("True", "SecretSynced", "2026-03-01T10:00:01Z", "x")))).isEmpty();
        assertThat(ExternalSecrets.failureReason(es("Periodic", null))).isEmpty();
    }

    @Test
    void onlyAFailureSinceThePatchCountsAsTheForcedSyncFailing() {
        assertThat(ExternalSecrets.hasFailedSince(es("Periodic", status("False", "SecretSyncedError", null, "2026-03-01T10:00:00Z")),
                PATCHED)).isTrue();
        assertThat(ExternalSecrets.hasFailedSince(es("Periodic", status("False", "SecretSyncedError", null, "2026-03-01T09:00:00Z")),
                PATCHED)).isFalse();
    }

    @Test
    void targetSecretDefaultsToTheExternalSecretName() {
        assertThat(ExternalSecrets.targetSecretName(es("Periodic", null))).isEqualTo("opencode-flux-secret");
        GenericKubernetesResource bare = es("Periodic", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) bare.getAdditionalProperties().get("spec"));
        spec.remove("target");
        bare.setAdditionalProperty("spec", spec);
        assertThat(ExternalSecrets.targetSecretName(bare)).isEqualTo("opencode-flux");
    }
}
