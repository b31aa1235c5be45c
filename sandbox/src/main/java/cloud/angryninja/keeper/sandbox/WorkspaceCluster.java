package cloud.angryninja.keeper.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The cluster around OpenCode workspaces, on a mock Kubernetes API: each workspace's ExternalSecret, Secret (its
 * auth.json) and Deployment, shaped as k8s/ deploys them (Reloader watches the workspace's other Secret, never the
 * credential's), with ESO, Reloader and the Deployment controller played by the fakes. ESO reads Doppler through the
 * given lookup; a rollout's new pods call back with the auth.json the Secret holds then, as the pod's init container
 * seeds it. Dev mode's sandbox uses it, and so do the keeper's tests on real OpenCode servers.
 */
public final class WorkspaceCluster implements AutoCloseable {

    /** A workspace's objects: its name, namespace, Deployment, ExternalSecret and the Secret it writes (auth.json under
     * {@code secretKey}), its Doppler secret, and its other Secret (server password, report token). */
    public record Workspace(String name, String namespace, String deployment, String externalSecret, String secret, String secretKey,
            String dopplerSecret, String otherSecret) {
    }

    public final FakeExternalSecretsOperator eso;
    public final FakeReloader reloader;
    public final FakeDeploymentController deployments;
    private final KubernetesClient client;
    private final List<Workspace> workspaces = new CopyOnWriteArrayList<>();
    private volatile BiConsumer<Workspace, String> newPods = (w, authJson) -> {
    };

    /**
     * Starts the fakes on {@code controllers} (a client of the mock API, ideally {@link ApiCalls#controllerClient}; it
     * stays the caller's to close).
     *
     * @param doppler   a Doppler secret's value now, what ESO reads
     * @param stepDelay between a rollout's progressing status and its new pods
     */
    public WorkspaceCluster(KubernetesClient controllers, Function<String, Optional<String>> doppler, Duration stepDelay) {
        this.client = controllers;
        eso = new FakeExternalSecretsOperator(controllers, doppler).start();
        reloader = new FakeReloader(controllers).start();
        deployments = new FakeDeploymentController(controllers).stepDelay(stepDelay).onNewPods((namespace, name) -> workspaces.stream()
                .filter(w -> w.namespace().equals(namespace) && w.deployment().equals(name)).findFirst()
                .ifPresent(w -> newPods.accept(w, secretValue(w)))).start();
    }

    /** Called with the workspace and the auth.json its Secret holds when a rollout starts its new pods. */
    public WorkspaceCluster onNewPods(BiConsumer<Workspace, String> action) {
        this.newPods = action;
        return this;
    }

    /** Creates the workspace's objects, its Secret holding {@code authJson}; returns when its Deployment is rolled out. */
    public void add(Workspace w, String authJson) {
        workspaces.add(w);
        String ns = w.namespace();
        client.genericKubernetesResources(FakeExternalSecretsOperator.CONTEXT).inNamespace(ns).resource(MockCluster.externalSecret(ns,
                w.externalSecret(), w.secret(), w.secretKey(), w.dopplerSecret(), "Periodic")).create();
        client.secrets().inNamespace(ns).resource(MockCluster.secret(ns, w.secret(), w.secretKey(), authJson)).create();
        client.apps().deployments().inNamespace(ns).resource(MockCluster.workspaceDeployment(ns, w.deployment(), w.secret(),
                w.otherSecret())).create();
        Instant deadline = Instant.now().plusSeconds(10);
        while (!FakeDeploymentController.isComplete(client.apps().deployments().inNamespace(ns).withName(w.deployment()).get())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the Deployment controller did not roll out " + ns + "/" + w.deployment() + " in 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + ns + "/" + w.deployment(), e);
            }
        }
    }

    /** The auth.json text the workspace's Secret holds now. */
    public String secretValue(Workspace w) {
        String encoded = client.secrets().inNamespace(w.namespace()).withName(w.secret()).get().getData().get(w.secretKey());
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /** Stops the fakes, each even when another fails to stop. */
    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {deployments, reloader, eso}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
