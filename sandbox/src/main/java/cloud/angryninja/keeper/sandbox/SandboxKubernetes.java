package cloud.angryninja.keeper.sandbox;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.arc.profile.IfBuildProfile;

import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.workspace.Workspaces;

/**
 * Dev sandbox: an in-process Kubernetes API (fabric8 mock server, CRUD mode) on a random loopback
 * port, holding each workspace's Secret (with a sandbox auth.json), Deployment and ExternalSecret.
 * Its client replaces the default {@link KubernetesClient} bean in the dev profile only.
 */
@IfBuildProfile("dev")
@Singleton
public class SandboxKubernetes {

    private static final Logger LOG = Logger.getLogger(SandboxKubernetes.class);

    public static final ResourceDefinitionContext EXTERNAL_SECRET = new ResourceDefinitionContext.Builder()
            .withGroup("external-secrets.io").withVersion("v1").withKind("ExternalSecret").withPlural("externalsecrets")
            .withNamespaced(true).build();

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final KubernetesClient operators;

    public SandboxKubernetes(Workspaces workspaces, SandboxCredentials credentials) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        operators = server.createClient();
        for (Workspace w : workspaces.all()) {
            seed(w, credentials.authJson(w.name()));
        }
        LOG.infof("sandbox: Kubernetes API (mock, CRUD) on 127.0.0.1:%d with the Secret, Deployment and ExternalSecret of %d workspaces",
                server.getPort(), workspaces.all().size());
    }

    @Produces
    @Singleton
    KubernetesClient kubernetesClient() {
        return client;
    }

    /** A second client on the same API for the sandbox's stand-in operators. */
    KubernetesClient operatorClient() {
        return operators;
    }

    private void seed(Workspace w, String authJson) {
        if (client.namespaces().withName(w.namespace()).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(w.namespace()).endMetadata().build()).create();
        }
        Map<String, String> labels = Map.of("app.kubernetes.io/name", w.name());
        client.secrets().inNamespace(w.namespace()).resource(new SecretBuilder()
                .withNewMetadata().withName(w.secret()).withLabels(labels).endMetadata()
                .addToData(w.secretKey(), java.util.Base64.getEncoder().encodeToString(authJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build()).create();
        client.apps().deployments().inNamespace(w.namespace()).resource(new DeploymentBuilder()
                .withNewMetadata().withName(w.deployment()).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
                .withNewStrategy().withType("Recreate").endStrategy()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("ghcr.io/anomalyco/opencode:1.18.33").endContainer().endSpec()
                .endTemplate().endSpec()
                .withNewStatus().withReplicas(1).withUpdatedReplicas(1).withReadyReplicas(1).withAvailableReplicas(1)
                .withObservedGeneration(1L).endStatus()
                .build()).create();
        GenericKubernetesResource es = new GenericKubernetesResourceBuilder()
                .withApiVersion("external-secrets.io/v1").withKind("ExternalSecret")
                .withNewMetadata().withName(w.externalSecret()).withNamespace(w.namespace()).withLabels(labels).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "refreshInterval", "1h",
                        "secretStoreRef", Map.of("kind", "ClusterSecretStore", "name", "doppler"),
                        "target", Map.of("name", w.secret()),
                        "data", java.util.List.of(Map.of("secretKey", w.secretKey(),
                                "remoteRef", Map.of("key", w.dopplerSecret())))))
                .build();
        client.genericKubernetesResources(EXTERNAL_SECRET).inNamespace(w.namespace()).resource(es).create();
    }

    @PreDestroy
    void stop() {
        operators.close();
        client.close();
        server.destroy();
    }
}
