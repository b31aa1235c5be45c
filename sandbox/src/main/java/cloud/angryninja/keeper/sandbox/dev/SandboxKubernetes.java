package cloud.angryninja.keeper.sandbox.dev;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.sandbox.WorkspaceCluster;

/**
 * The sandbox's cluster: the mock Kubernetes API (CRUD) on its port, holding each workspace's namespace and the objects
 * of {@link WorkspaceCluster}, with ESO, Reloader and the Deployment controller at work. ESO copies Doppler's value
 * into the Secret on a forced sync; a rollout's new pods restart the workspace's OpenCode with the auth.json the Secret
 * holds then.
 */
final class SandboxKubernetes implements AutoCloseable {

    private final MockCluster cluster;
    private final WorkspaceCluster workspaces;

    /**
     * @param authJson a workspace's auth.json at start, by its name
     * @param doppler  a Doppler secret's value now, what ESO reads
     * @param newPods  called with a workspace's name and its Secret's auth.json when a rollout starts its new pod
     */
    SandboxKubernetes(int port, List<SandboxWorld.Workspace> sandbox, Function<String, String> authJson,
            Function<String, Optional<String>> doppler, BiConsumer<String, String> newPods) {
        cluster = MockCluster.start(port);
        KubernetesClient client = cluster.controllerClient();
        workspaces = new WorkspaceCluster(client, doppler, Duration.ofMillis(100)).onNewPods((w, auth) -> newPods.accept(w.name(), auth));
        for (SandboxWorld.Workspace w : sandbox) {
            if (client.namespaces().withName(w.namespace()).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(w.namespace()).endMetadata().build())
                        .create();
            }
            workspaces.add(w.objects(), authJson.apply(w.name()));
        }
    }

    /** {@code http://localhost:<port>/} */
    String url() {
        return cluster.url();
    }

    @Override
    public void close() {
        workspaces.close();
        cluster.close();
    }
}
