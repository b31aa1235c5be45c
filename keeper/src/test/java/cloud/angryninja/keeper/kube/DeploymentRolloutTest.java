package cloud.angryninja.keeper.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.FakeReloader;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.Tier;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Rolling a Deployment exactly once against a mock API with stand-ins for the Deployment controller, ESO and
 * Reloader: restart, join Reloader's rollout, failure, timeout.
 */
@Tier.Unit
class DeploymentRolloutTest {

    private static final String NS = "opencode";
    private static final String NAME = "opencode-flux";
    private static final String SECRET = "opencode-flux-secret";
    private static final String KEY = "COPILOT_AUTH_JSON";
    private static final String REMOTE = "OPENCODE_FLUX_COPILOT_AUTH_JSON";
    private static final String OLD = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_OLDoldOLDold\"}}";
    private static final String NEW = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_NEWnewNEWnew\"}}";

    private final Map<String, String> doppler = new ConcurrentHashMap<>(Map.of(REMOTE, NEW));
    private MockCluster cluster;
    private FakeDeploymentController controller;
    private FakeExternalSecretsOperator eso;
    private FakeReloader reloader;

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
        controller = new FakeDeploymentController(cluster.controllerClient()).start();
        eso = new FakeExternalSecretsOperator(cluster.controllerClient(), key -> Optional.ofNullable(doppler.get(key))).start();
    }

    @AfterEach
    void stop() {
        if (reloader != null) {
            reloader.close();
        }
        eso.close();
        controller.close();
        cluster.close();
    }

    /** A workspace whose Deployment has a complete rollout, as before any reseed. */
    private void workspace(boolean reloaderAnnotation) {
        workspace(MockCluster.deployment(NS, NAME, SECRET, reloaderAnnotation));
    }

    /** The workspace with this Deployment. */
    private void workspace(Deployment deployment) {
        var setup = cluster.controllerClient();
        setup.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(NS)
                .resource(MockCluster.externalSecret(NS, NAME, SECRET, KEY, REMOTE, "Periodic")).create();
        setup.secrets().inNamespace(NS).resource(MockCluster.secret(NS, SECRET, KEY, OLD)).create();
        setup.apps().deployments().inNamespace(NS).resource(deployment).create();
        await().atMost(Duration.ofSeconds(5)).until(() -> Rollouts.isComplete(current()));
        cluster.calls().clear();
    }

    private Deployment current() {
        return cluster.controllerClient().apps().deployments().inNamespace(NS).withName(NAME).get();
    }

    private DeploymentRollout rollout(Duration timeout, Duration grace) {
        return new DeploymentRollout(cluster.client(), timeout, grace, Clock.systemUTC());
    }

    private RolloutSnapshot snapshot(DeploymentRollout rollout) {
        return rollout.snapshot(NS, NAME, SECRET).orElseThrow();
    }

    private SyncResult syncSecret() {
        return new ExternalSecretSync(cluster.client(), Duration.ofSeconds(10), Clock.systemUTC())
                .sync(SyncRequest.expecting(NS, NAME, SECRET, KEY, NEW));
    }

    @Test
    void withoutReloaderTheKeeperRestartsOnceAndWaitsForCompletion() {
        workspace(false);
        controller.stepDelay(Duration.ofMillis(400));
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofSeconds(5));
        RolloutSnapshot before = snapshot(rollout);
        assertThat(before.watchedByReloader()).isFalse();

        assertThat(syncSecret().outcome()).isEqualTo(Outcome.SUCCESS);
        RolloutResult result = rollout.rolloutOnce(before);

        assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.mode()).isEqualTo(RolloutResult.Mode.STARTED);
        assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(result.detail()).contains("complete; restarted at");
        assertThat(Rollouts.isComplete(current())).isTrue();
        assertThat(current().getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(KeeperAnnotations.RESTARTED_AT);
        assertThat(controller.rollouts(NS, NAME)).isEqualTo(1);

        var patches = cluster.calls().keeperCalls("patch", "deployments");
        assertThat(patches).hasSize(1);
        assertThat(patches.get(0).query()).contains("fieldManager=" + KeeperAnnotations.FIELD_MANAGER);
        assertThat(cluster.calls().keeperRules()).contains("get apps/deployments", "patch apps/deployments", "list apps/deployments")
                .isSubsetOf("get apps/deployments", "patch apps/deployments", "list apps/deployments", "watch apps/deployments",
                        "get external-secrets.io/externalsecrets", "patch external-secrets.io/externalsecrets",
                        "list external-secrets.io/externalsecrets", "watch external-secrets.io/externalsecrets",
                        "list secrets", "watch secrets");
    }

    @Test
    void withReloaderTheKeeperJoinsItsRolloutAndAddsNone() {
        reloader = new FakeReloader(cluster.controllerClient()).delay(Duration.ofMillis(500)).start();
        workspace(true);
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofSeconds(5));
        RolloutSnapshot before = snapshot(rollout);
        assertThat(before.watchedByReloader()).isTrue();

        assertThat(syncSecret().outcome()).isEqualTo(Outcome.SUCCESS);
        RolloutResult result = rollout.rolloutOnce(before);

        assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.mode()).isEqualTo(RolloutResult.Mode.JOINED);
        assertThat(result.detail()).contains("joined the rollout");
        assertThat(reloader.reloads()).isEqualTo(1);
        assertThat(controller.rollouts(NS, NAME)).isEqualTo(1);
        assertThat(current().getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey(FakeReloader.LAST_RELOADED_FROM)
                .doesNotContainKey(KeeperAnnotations.RESTARTED_AT);
        assertThat(cluster.calls().keeperCalls("patch", "deployments")).isEmpty();
    }

    @Test
    void reloaderAnnotationWithoutReloaderActingMeansOneRestartAfterTheGracePeriod() {
        workspace(true);
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofMillis(700));
        RolloutSnapshot before = snapshot(rollout);

        assertThat(syncSecret().outcome()).isEqualTo(Outcome.SUCCESS);
        RolloutResult result = rollout.rolloutOnce(before);

        assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.mode()).isEqualTo(RolloutResult.Mode.STARTED);
        assertThat(result.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(controller.rollouts(NS, NAME)).isEqualTo(1);
    }

    @Test
    void reloaderRunningButNotWatchingThisDeploymentMeansOneRestart() {
        reloader = new FakeReloader(cluster.controllerClient()).start();
        workspace(false);
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofSeconds(5));
        RolloutSnapshot before = snapshot(rollout);

        assertThat(syncSecret().outcome()).isEqualTo(Outcome.SUCCESS);
        RolloutResult result = rollout.rolloutOnce(before);

        assertThat(result.mode()).isEqualTo(RolloutResult.Mode.STARTED);
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(reloader.reloads()).isZero();
        assertThat(controller.rollouts(NS, NAME)).isEqualTo(1);
    }

    /**
     * As k8s/ deploys a workspace: the credential in its own Secret, Reloader watching only the other one. A credential
     * change is not Reloader's: the keeper restarts at once (no grace period waited) and Reloader rolls nothing; a
     * change of the other Secret (the server password) still makes Reloader roll.
     */
    @Test
    void aCredentialInItsOwnSecretIsNotReloadersToRoll() {
        reloader = new FakeReloader(cluster.controllerClient()).start();
        String other = NAME + "-secret-other";
        var setup = cluster.controllerClient();
        setup.secrets().inNamespace(NS).resource(MockCluster.secret(NS, other, "OPENCODE_SERVER_PASSWORD", "pw-1")).create();
        workspace(MockCluster.workspaceDeployment(NS, NAME, SECRET, other));
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofSeconds(5));
        RolloutSnapshot before = snapshot(rollout);
        assertThat(before.watchedByReloader()).isFalse();

        assertThat(syncSecret().outcome()).isEqualTo(Outcome.SUCCESS);
        RolloutResult result = rollout.rolloutOnce(before);

        assertThat(result.outcome()).as(result.detail()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.mode()).isEqualTo(RolloutResult.Mode.STARTED);
        assertThat(result.duration()).as("no Reloader grace waited").isLessThan(Duration.ofSeconds(5));
        assertThat(reloader.reloads()).as("Reloader ignores the credential's Secret").isZero();
        assertThat(controller.rollouts(NS, NAME)).isEqualTo(1);

        setup.secrets().inNamespace(NS).resource(MockCluster.secret(NS, other, "OPENCODE_SERVER_PASSWORD", "pw-2")).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> reloader.reloads() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> controller.rollouts(NS, NAME) == 2);
    }

    @Test
    void progressDeadlineExceededIsAFailure() {
        workspace(false);
        controller.exceedsDeadline();
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofSeconds(5));

        RolloutResult result = rollout.rolloutOnce(snapshot(rollout));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.mode()).isEqualTo(RolloutResult.Mode.STARTED);
        assertThat(result.detail()).contains("failed", "ProgressDeadlineExceeded");
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aDeadlineLeftFromAnEarlierRolloutDoesNotFailTheNextOne() {
        workspace(false);
        controller.exceedsDeadline();
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(rollout.rolloutOnce(snapshot(rollout)).outcome()).isEqualTo(Outcome.FAILURE);

        controller.completes().stepDelay(Duration.ofMillis(300));
        RolloutResult retry = rollout.rolloutOnce(snapshot(rollout));

        assertThat(retry.outcome()).as(retry.detail()).isEqualTo(Outcome.SUCCESS);
        assertThat(controller.rollouts(NS, NAME)).isEqualTo(2);
    }

    @Test
    void aRolloutThatNeverCompletesEndsInTimeout() {
        workspace(false);
        controller.stalls();
        DeploymentRollout rollout = rollout(Duration.ofMillis(1200), Duration.ofSeconds(5));

        RolloutResult result = rollout.rolloutOnce(snapshot(rollout));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(result.mode()).isEqualTo(RolloutResult.Mode.STARTED);
        assertThat(result.duration()).isBetween(Duration.ofMillis(1100), Duration.ofSeconds(5));
        assertThat(result.detail()).contains("not complete within 1 s", "available 0");
        assertThat(controller.rollouts(NS, NAME)).isEqualTo(1);
    }

    @Test
    void aMissingDeploymentHasNoSnapshotAndNothingIsPatched() {
        DeploymentRollout rollout = rollout(Duration.ofSeconds(10), Duration.ofSeconds(5));

        assertThat(rollout.snapshot(NS, "missing", SECRET)).isEmpty();
        RolloutResult result = rollout.rolloutOnce(new RolloutSnapshot(NS, "missing", 1, "x", false, java.time.Instant.now()));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.detail()).isEqualTo("Deployment opencode/missing not found");
        assertThat(cluster.calls().keeperCalls("patch", "deployments")).isEmpty();
    }
}
