package cloud.angryninja.keeper.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.reseed.ReseedConfig;
import cloud.angryninja.keeper.sandbox.ApiCalls;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.FakeReloader;
import cloud.angryninja.keeper.sandbox.MockCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/** The cluster actions as beans of the running keeper, on the injected client and the default deadlines. */
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
@WithKubernetesTestServer(crud = true)
class KubeActionsWiringTest {

    private static final String NS = "opencode";

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    ReseedConfig config;

    @Inject
    ExternalSecretSync sync;

    @Inject
    DeploymentRollout rollout;

    @Test
    void defaultDeadlines() {
        assertThat(config.syncTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.rolloutTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.reloaderGrace()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void syncThenRolloutOfAReloaderWatchedWorkspaceRollsItOnce() {
        String value = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_WIRINGwiring1\"}}";
        ApiCalls calls = new ApiCalls(server.getKubernetesMockServer());
        try (KubernetesClient controllers = ApiCalls.controllerClient(client);
                FakeDeploymentController deployments = new FakeDeploymentController(controllers).start();
                FakeExternalSecretsOperator eso = new FakeExternalSecretsOperator(controllers,
                        key -> Optional.ofNullable(Map.of("OPENCODE_HA_COPILOT_AUTH_JSON", value).get(key))).start();
                FakeReloader reloader = new FakeReloader(controllers).start()) {
            controllers.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(NS).resource(MockCluster.externalSecret(NS,
                    "opencode-ha", "opencode-ha-secret", "COPILOT_AUTH_JSON", "OPENCODE_HA_COPILOT_AUTH_JSON", "Periodic")).create();
            controllers.secrets().inNamespace(NS).resource(MockCluster.secret(NS, "opencode-ha-secret", "COPILOT_AUTH_JSON", "{}"))
                    .create();
            controllers.apps().deployments().inNamespace(NS).resource(MockCluster.deployment(NS, "opencode-ha", "opencode-ha-secret",
                    true)).create();
            await().atMost(Duration.ofSeconds(5)).until(() -> deployments.rollouts(NS, "opencode-ha") == 0
                    && Rollouts.isComplete(controllers.apps().deployments().inNamespace(NS).withName("opencode-ha").get()));
            calls.clear();

            RolloutSnapshot before = rollout.snapshot(NS, "opencode-ha", "opencode-ha-secret").orElseThrow();
            SyncResult synced = sync.sync(SyncRequest.expecting(NS, "opencode-ha", "opencode-ha-secret", "COPILOT_AUTH_JSON", value));
            RolloutResult rolled = rollout.rolloutOnce(before);

            assertThat(synced.outcome()).as(synced.detail()).isEqualTo(Outcome.SUCCESS);
            assertThat(rolled.outcome()).as(rolled.detail()).isEqualTo(Outcome.SUCCESS);
            assertThat(rolled.mode()).isEqualTo(RolloutResult.Mode.JOINED);
            assertThat(deployments.rollouts(NS, "opencode-ha")).isEqualTo(1);
            assertThat(reloader.reloads()).isEqualTo(1);
            assertThat(calls.keeperCalls("patch", "externalsecrets")).hasSize(1);
            assertThat(calls.keeperCalls("patch", "deployments")).isEmpty();
        }
    }
}
