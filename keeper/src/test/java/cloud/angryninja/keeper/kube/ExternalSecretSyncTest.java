package cloud.angryninja.keeper.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.sandbox.ApiCalls;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.Tier;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/** Forcing an ExternalSecret sync against a mock API with an ESO stand-in that syncs, fails or hangs. */
@Tier.Unit
class ExternalSecretSyncTest {

    private static final String NS = "opencode";
    private static final String ES = "opencode-flux";
    private static final String SECRET = "opencode-flux-secret";
    private static final String KEY = "COPILOT_AUTH_JSON";
    private static final String REMOTE = "OPENCODE_FLUX_COPILOT_AUTH_JSON";
    private static final String OLD = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_OLDoldOLDold\"}}";
    private static final String NEW = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_NEWnewNEWnew\"}}";

    private final Map<String, String> doppler = new ConcurrentHashMap<>();
    private MockCluster cluster;
    private FakeExternalSecretsOperator eso;
    private LogCapture logs;

    @BeforeEach
    void start() {
        logs = LogCapture.start();
        cluster = MockCluster.start();
        eso = new FakeExternalSecretsOperator(cluster.controllerClient(), key -> Optional.ofNullable(doppler.get(key))).start();
        doppler.put(REMOTE, NEW);
    }

    @AfterEach
    void stop() {
        eso.close();
        cluster.close();
        logs.close();
        assertThat(logs.linesContaining("gho_")).as("log lines holding a token").isEmpty();
    }

    private void workspace(String refreshPolicy) {
        cluster.controllerClient().genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(NS)
                .resource(MockCluster.externalSecret(NS, ES, SECRET, KEY, REMOTE, refreshPolicy)).create();
        cluster.controllerClient().secrets().inNamespace(NS).resource(MockCluster.secret(NS, SECRET, KEY, OLD)).create();
    }

    private ExternalSecretSync sync(Duration timeout) {
        return new ExternalSecretSync(cluster.client(), timeout, Clock.systemUTC());
    }

    private GenericKubernetesResource externalSecret() {
        return cluster.controllerClient().genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(NS).withName(ES).get();
    }

    @Test
    void forcedSyncSucceedsWhenEsoSyncedAndTheSecretHoldsTheNewValue() {
        workspace("Periodic");
        eso.delay(Duration.ofMillis(300));
        Instant before = Instant.now();

        SyncResult result = sync(Duration.ofSeconds(10)).sync(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW));

        assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(result.detail()).contains("synced at", "holds the expected value", "sha256 " + Sha256.shortHex(Sha256.hex(NEW)))
                .doesNotContain("gho_");
        assertThat(result.forcedAt()).isPresent();
        String forceSync = externalSecret().getMetadata().getAnnotations().get(KeeperAnnotations.FORCE_SYNC);
        assertThat(Long.parseLong(forceSync)).isGreaterThanOrEqualTo(before.getEpochSecond());
        assertThat(ExternalSecretSync.holds(cluster.controllerClient().secrets().inNamespace(NS).withName(SECRET).get(), KEY, Sha256.hex(NEW)))
                .isTrue();
        assertThat(eso.completedSyncs()).isEqualTo(1);

        ApiCalls.ApiCall patch = cluster.calls().keeperCalls("patch", "externalsecrets").get(0);
        assertThat(cluster.calls().keeperCalls("patch", "externalsecrets")).hasSize(1);
        assertThat(patch.group()).isEqualTo("external-secrets.io");
        assertThat(patch.query()).contains("fieldManager=" + KeeperAnnotations.FIELD_MANAGER);
        // what the keeper's Role must grant; watches happen only while a condition is not met yet
        assertThat(cluster.calls().keeperRules())
                .contains("get external-secrets.io/externalsecrets", "patch external-secrets.io/externalsecrets",
                        "list external-secrets.io/externalsecrets", "list secrets")
                .isSubsetOf("get external-secrets.io/externalsecrets", "patch external-secrets.io/externalsecrets",
                        "list external-secrets.io/externalsecrets", "watch external-secrets.io/externalsecrets",
                        "list secrets", "watch secrets");
    }

    @Test
    void aSecondForcedSyncInTheSameSecondStillChangesTheAnnotation() {
        workspace("Periodic");
        Instant frozen = Instant.now();
        ExternalSecretSync sameSecond = new ExternalSecretSync(cluster.client(), Duration.ofSeconds(10), Clock.fixed(frozen,
                java.time.ZoneOffset.UTC));

        assertThat(sameSecond.sync(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW)).outcome()).isEqualTo(Outcome.SUCCESS);
        String first = forceSyncAnnotation();
        assertThat(sameSecond.sync(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW)).outcome()).isEqualTo(Outcome.SUCCESS);

        // ESO's refresh time has whole seconds: the first sync of this second already satisfies the second one, which
        // may answer before ESO saw its change. What matters is that the annotation changed, so ESO acts on it.
        assertThat(forceSyncAnnotation()).isNotEqualTo(first);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> eso.forcedSyncs() == 2);
    }

    @Test
    void esoFailureIsReportedWithItsReason() {
        workspace("Periodic");
        eso.fails("could not get secret data from provider: 401 Unauthorized");

        SyncResult result = sync(Duration.ofSeconds(10)).sync(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.detail()).contains("ESO could not sync ExternalSecret opencode/opencode-flux",
                "SecretSyncedError: could not get secret data from provider: 401 Unauthorized");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void esoThatNeverSyncsEndsInTimeoutNamingWhatWasSeen() {
        workspace("Periodic");
        eso.hangs();

        SyncResult result = sync(Duration.ofMillis(1500)).sync(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(result.duration()).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(5));
        assertThat(result.detail()).contains("not synced within 1 s", "no Ready condition",
                "holds sha256 " + Sha256.shortHex(Sha256.hex(OLD)) + ", expected " + Sha256.shortHex(Sha256.hex(NEW)))
                .doesNotContain("gho_");
        assertThat(eso.forcedSyncs()).isEqualTo(1);
    }

    @Test
    void syncedButWithAnotherValueIsATimeoutNotASuccess() {
        workspace("Periodic");
        doppler.put(REMOTE, OLD);

        SyncResult result = sync(Duration.ofMillis(1500)).sync(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(result.detail()).contains("Ready=True reason=SecretSynced", "expected " + Sha256.shortHex(Sha256.hex(NEW)));
    }

    @Test
    void createdOnceIsRefusedWithNothingPatched() {
        workspace("CreatedOnce");

        SyncResult result = sync(Duration.ofSeconds(10)).sync(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.detail()).contains("refreshPolicy CreatedOnce", "set refreshPolicy to Periodic or OnChange");
        assertThat(result.forcedAt()).isEmpty();
        assertThat(cluster.calls().keeperCalls("patch", "externalsecrets")).isEmpty();
        assertThat(externalSecret().getMetadata().getAnnotations()).doesNotContainKey(KeeperAnnotations.FORCE_SYNC);
        assertThat(eso.forcedSyncs()).isZero();
    }

    @Test
    void precheckNamesAMissingExternalSecretOrAWrongTargetWithoutChangingAnything() {
        workspace("Periodic");
        ExternalSecretSync sync = sync(Duration.ofSeconds(10));

        assertThat(sync.precheck(SyncRequest.expecting(NS, ES, SECRET, KEY, NEW))).isEmpty();
        assertThat(sync.precheck(SyncRequest.expecting(NS, "missing", SECRET, KEY, NEW)))
                .contains("ExternalSecret opencode/missing not found");
        assertThat(sync.precheck(SyncRequest.expecting(NS, ES, "other-secret", KEY, NEW)))
                .contains("ExternalSecret opencode/opencode-flux writes Secret opencode-flux-secret, not other-secret");
        assertThat(sync.sync(SyncRequest.expecting(NS, "missing", SECRET, KEY, NEW)).outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(cluster.calls().keeperCalls("patch", "externalsecrets")).isEmpty();
    }

    private String forceSyncAnnotation() {
        return cluster.client().genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(NS).withName(ES)
                .get().getMetadata().getAnnotations().get(cloud.angryninja.keeper.kube.KeeperAnnotations.FORCE_SYNC);
    }
}
