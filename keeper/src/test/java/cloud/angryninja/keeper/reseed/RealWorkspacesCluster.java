package cloud.angryninja.keeper.reseed;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.kube.ExternalSecrets;
import cloud.angryninja.keeper.kube.Rollouts;
import cloud.angryninja.keeper.sandbox.ApiCalls;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.FakeReloader;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The cluster around the real OpenCode workspaces of {@link RealOpenCodeWorkspaces}, on the test's mock Kubernetes API:
 * each workspace's ExternalSecret, Secret (holding {@link RealOpenCodeWorkspaces#OLD_TOKEN}) and rolled-out Deployment
 * (as k8s/ deploys it: Reloader watches the workspace's other Secret, never the credential's), and the ESO, Reloader
 * and Deployment-controller stand-ins; new pods restart the workspace's real OpenCode with the auth.json its Secret
 * holds. ESO reads Doppler's latest write on the WireMock, else
 * what {@link #initialDoppler()} holds.
 */
public final class RealWorkspacesCluster implements AutoCloseable {

    public final KubernetesClient controllers;
    public final FakeExternalSecretsOperator eso;
    public final FakeReloader reloader;
    public final FakeDeploymentController deployments;
    private final Map<String, String> initialDoppler = new ConcurrentHashMap<>();

    private RealWorkspacesCluster(KubernetesClient client, Workspaces workspaces, WireMockServer doppler, RealOpenCodeWorkspaces world) {
        controllers = ApiCalls.controllerClient(client);
        eso = new FakeExternalSecretsOperator(controllers, key -> DopplerWireMock.latestValue(doppler, key)
                .or(() -> Optional.ofNullable(initialDoppler.get(key)))).start();
        reloader = new FakeReloader(controllers).start();
        deployments = new FakeDeploymentController(controllers).stepDelay(Duration.ofMillis(50)).start();
        deployments.onNewPods((namespace, name) -> world.restart(name, secretValue(workspaces.byName(name).orElseThrow())));
        String old = TestCredentials.authJson(RealOpenCodeWorkspaces.OLD_TOKEN);
        for (Workspace w : workspaces.all()) {
            String ns = w.namespace();
            initialDoppler.put(w.dopplerSecret(), old);
            controllers.genericKubernetesResources(ExternalSecrets.CONTEXT).inNamespace(ns).resource(MockCluster.externalSecret(ns,
                    w.externalSecret(), w.secret(), w.secretKey(), w.dopplerSecret(), "Periodic")).create();
            controllers.secrets().inNamespace(ns).resource(MockCluster.secret(ns, w.secret(), w.secretKey(), old)).create();
            controllers.apps().deployments().inNamespace(ns).resource(MockCluster.workspaceDeployment(ns, w.deployment(), w.secret(),
                    w.reportTokenSecret())).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> Rollouts.isComplete(
                    controllers.apps().deployments().inNamespace(ns).withName(w.deployment()).get()));
        }
    }

    /** Creates the workspaces' objects and starts the stand-ins; waits until every Deployment is rolled out. */
    public static RealWorkspacesCluster start(KubernetesClient client, Workspaces workspaces, WireMockServer doppler,
            RealOpenCodeWorkspaces world) {
        return new RealWorkspacesCluster(client, workspaces, doppler, world);
    }

    /** Doppler's values before any write, by secret name: what ESO syncs while the WireMock holds no write. */
    public Map<String, String> initialDoppler() {
        return initialDoppler;
    }

    /** The workspace's other Secret ({@code report-token-secret}) holding its report token under {@code report-token-key}. */
    public void reportToken(Workspace w, String token) {
        controllers.secrets().inNamespace(w.namespace()).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(w.reportTokenSecret()).withNamespace(w.namespace()).endMetadata().withType("Opaque")
                .addToData(w.reportTokenKey(), Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
                .addToData("OPENCODE_SERVER_PASSWORD", Base64.getEncoder().encodeToString(("pw-" + w.name()).getBytes(StandardCharsets.UTF_8)))
                .build()).createOr(existing -> existing.update());
    }

    /** The auth.json text the workspace's Secret holds now. */
    public String secretValue(Workspace w) {
        return new String(Base64.getDecoder().decode(controllers.secrets().inNamespace(w.namespace()).withName(w.secret()).get().getData()
                .get(w.secretKey())), StandardCharsets.UTF_8);
    }

    /** Stops the stand-ins, each even when another fails to stop. */
    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {deployments, reloader, eso, controllers}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
