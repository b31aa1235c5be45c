package cloud.angryninja.keeper.sandbox.dev;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import cloud.angryninja.keeper.sandbox.FakeDeploymentController;
import cloud.angryninja.keeper.sandbox.FakeExternalSecretsOperator;
import cloud.angryninja.keeper.sandbox.FakeReloader;
import cloud.angryninja.keeper.sandbox.MockCluster;

/**
 * The sandbox's cluster: the mock Kubernetes API (CRUD) holding each workspace's ExternalSecret, Secret (its auth.json)
 * and Deployment, shaped as k8s/ deploys them, with ESO, Reloader and the Deployment controller played by the fakes.
 * ESO copies Doppler's value into the Secret on a forced sync; a rollout's new pods restart the workspace's OpenCode
 * with the auth.json the Secret holds then, as the pod's init container seeds it.
 */
final class SandboxKubernetes implements AutoCloseable {

    private final MockCluster cluster;
    private final FakeExternalSecretsOperator eso;
    private final FakeReloader reloader;
    private final FakeDeploymentController deployments;

    /**
     * @param doppler  a Doppler secret's value now, what ESO reads
     * @param newPods  called with a workspace's name and its Secret's auth.json when a rollout starts its new pod
     */
    SandboxKubernetes(int port, List<SandboxWorld.Workspace> workspaces, Function<String, String> authJson,
            Function<String, Optional<String>> doppler, BiConsumer<String, String> newPods) {
        cluster = MockCluster.start(port);
        KubernetesClient client = cluster.controllerClient();
        eso = new FakeExternalSecretsOperator(client, doppler).start();
        reloader = new FakeReloader(client).start();
        deployments = new FakeDeploymentController(client).stepDelay(Duration.ofMillis(100)).onNewPods((namespace, name) -> workspaces
                .stream().filter(w -> w.namespace().equals(namespace) && w.deployment().equals(name)).findFirst()
                .ifPresent(w -> newPods.accept(w.name(), secretValue(w)))).start();
        for (SandboxWorld.Workspace w : workspaces) {
            String ns = w.namespace();
            if (client.namespaces().withName(ns).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            }
            client.secrets().inNamespace(ns).resource(MockCluster.secret(ns, w.credentialSecret(), w.secretKey(), authJson.apply(w.name())))
                    .create();
            client.genericKubernetesResources(FakeExternalSecretsOperator.CONTEXT).inNamespace(ns).resource(MockCluster.externalSecret(ns,
                    w.credentialSecret(), w.credentialSecret(), w.secretKey(), w.dopplerSecret(), "Periodic")).create();
            client.apps().deployments().inNamespace(ns).resource(MockCluster.workspaceDeployment(ns, w.deployment(), w.credentialSecret(),
                    w.otherSecret())).create();
        }
    }

    /** {@code http://127.0.0.1:<port>/} */
    String url() {
        return cluster.url();
    }

    /** The auth.json the workspace's Secret holds now. */
    private String secretValue(SandboxWorld.Workspace w) {
        String encoded = cluster.controllerClient().secrets().inNamespace(w.namespace()).withName(w.credentialSecret()).get().getData()
                .get(w.secretKey());
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {deployments, reloader, eso, cluster}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
