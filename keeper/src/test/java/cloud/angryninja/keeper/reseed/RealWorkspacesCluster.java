package cloud.angryninja.keeper.reseed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.doppler.DopplerWireMock;
import cloud.angryninja.keeper.sandbox.ApiCalls;
import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.FakeReloader;
import cloud.angryninja.keeper.sandbox.WorkspaceCluster;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * The cluster around the real OpenCode workspaces of {@link RealOpenCodeWorkspaces}, on the test's mock Kubernetes API:
 * the sandbox's {@link WorkspaceCluster} (the one dev mode runs) with the keeper's workspaces, each Secret holding
 * {@link RealOpenCodeWorkspaces#OLD_TOKEN}; new pods restart the workspace's real OpenCode with the auth.json its
 * Secret holds. ESO reads Doppler's latest write on the WireMock, else what {@link #initialDoppler()} holds.
 */
public final class RealWorkspacesCluster implements AutoCloseable {

    public final KubernetesClient controllers;
    public final FakeExternalSecretsOperator eso;
    public final FakeReloader reloader;
    public final FakeDeploymentController deployments;
    private final WorkspaceCluster cluster;
    private final Map<String, String> initialDoppler = new ConcurrentHashMap<>();

    private RealWorkspacesCluster(KubernetesClient client, Workspaces workspaces, WireMockServer doppler, RealOpenCodeWorkspaces world) {
        controllers = ApiCalls.controllerClient(client);
        cluster = new WorkspaceCluster(controllers, key -> DopplerWireMock.latestValue(doppler, key)
                .or(() -> Optional.ofNullable(initialDoppler.get(key))), Duration.ofMillis(50))
                .onNewPods((w, authJson) -> world.restart(w.name(), authJson));
        eso = cluster.eso;
        reloader = cluster.reloader;
        deployments = cluster.deployments;
        String old = TestCredentials.authJson(RealOpenCodeWorkspaces.OLD_TOKEN);
        for (Workspace w : workspaces.all()) {
            initialDoppler.put(w.dopplerSecret(), old);
            cluster.add(objects(w), old);
        }
    }

    /** The keeper's view of a workspace as the cluster's objects. */
    static WorkspaceCluster.Workspace objects(Workspace w) {
        return new WorkspaceCluster.Workspace(w.name(), w.namespace(), w.deployment(), w.externalSecret(), w.secret(), w.secretKey(),
                w.dopplerSecret(), w.reportTokenSecret());
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
        return cluster.secretValue(objects(w));
    }

    /** Stops the stand-ins, each even when another fails to stop. */
    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {cluster, controllers}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
