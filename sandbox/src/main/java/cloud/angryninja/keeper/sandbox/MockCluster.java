package cloud.angryninja.keeper.sandbox;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * A fabric8 mock Kubernetes API in CRUD mode (plain HTTP) on a loopback port, for the sandbox and for plain JUnit tests:
 * a client for the code under test, a separate client for the controllers (the fakes, a test's set-up), the recorded
 * API calls, and builders of a workspace's objects (ExternalSecret, Secret, Deployment) shaped like the real manifests.
 */
public final class MockCluster implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final KubernetesClient controllerClient;
    private final ApiCalls calls;

    private MockCluster(int port) {
        // as quarkus-test-kubernetes-client's CRUD mode makes it: expectations (none) before the CRUD store
        Map<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses, List.of()),
                false);
        server.init(InetAddress.getLoopbackAddress(), port);
        client = server.createClient();
        controllerClient = ApiCalls.controllerClient(client);
        calls = new ApiCalls(server);
    }

    /** On a free loopback port. */
    public static MockCluster start() {
        return new MockCluster(0);
    }

    /** On this loopback port (0: a free one). */
    public static MockCluster start(int port) {
        return new MockCluster(port);
    }

    /** The API's base URL ({@code http://127.0.0.1:<port>/}). */
    public String url() {
        return server.url("/");
    }

    /** Client for the code under test. */
    public KubernetesClient client() {
        return client;
    }

    /** Client for test controllers and test set-up; its calls are not counted as the keeper's. */
    public KubernetesClient controllerClient() {
        return controllerClient;
    }

    public ApiCalls calls() {
        return calls;
    }

    @Override
    public void close() {
        controllerClient.close();
        client.close();
        server.destroy();
    }

    /** An ESO v1 ExternalSecret that writes {@code remoteKey} from Doppler into {@code secret}'s {@code key}. */
    public static GenericKubernetesResource externalSecret(String namespace, String name, String secret, String key, String remoteKey,
            String refreshPolicy) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("refreshInterval", "1h");
        spec.put("refreshPolicy", refreshPolicy);
        spec.put("secretStoreRef", Map.of("kind", "ClusterSecretStore", "name", "doppler"));
        spec.put("target", Map.of("name", secret, "creationPolicy", "Owner"));
        spec.put("data", List.of(Map.of("secretKey", key, "remoteRef", Map.of("key", remoteKey))));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(FakeExternalSecretsOperator.GROUP + "/" + FakeExternalSecretsOperator.VERSION)
                .withKind(FakeExternalSecretsOperator.KIND)
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    /** An Opaque Secret holding {@code value} under {@code key}. */
    public static Secret secret(String namespace, String name, String key, String value) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().withType("Opaque")
                .withData(Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /**
     * A workspace's Deployment as k8s/ deploys it once the credential has a Secret of its own: the init container mounts
     * {@code credentialSecret}, the server reads its password from {@code otherSecret}, and Reloader watches
     * {@code otherSecret} alone ({@code secret.reloader.stakater.com/reload}).
     */
    public static Deployment workspaceDeployment(String namespace, String name, String credentialSecret, String otherSecret) {
        return recreate(namespace, name, Map.of(FakeReloader.SECRET_RELOAD, otherSecret), new PodSpecBuilder()
                .addNewInitContainer().withName("init-workspace").withImage("docker.io/alpine/git:v2.49.1")
                .addNewVolumeMount().withName("secrets").withMountPath("/secrets").endVolumeMount()
                .endInitContainer()
                .addNewContainer().withName("app").withImage("ghcr.io/anomalyco/opencode:1.18.33")
                .addNewEnv().withName("OPENCODE_SERVER_PASSWORD").withNewValueFrom().withNewSecretKeyRef(
                        "OPENCODE_SERVER_PASSWORD", otherSecret, false).endValueFrom().endEnv()
                .endContainer()
                .addNewVolume().withName("secrets").withNewSecret().withSecretName(credentialSecret).endSecret().endVolume()
                .build());
    }

    /** A one-replica Recreate Deployment mounting {@code secret}; annotated for Reloader when {@code reloader}. */
    public static Deployment deployment(String namespace, String name, String secret, boolean reloader) {
        return recreate(namespace, name, reloader ? Map.of(FakeReloader.AUTO, "true") : Map.of(), new PodSpecBuilder()
                .addNewContainer().withName("app").withImage("ghcr.io/anomalyco/opencode:1.18.33")
                .addNewEnvFrom().withNewSecretRef().withName(secret).endSecretRef().endEnvFrom()
                .endContainer()
                .build());
    }

    /** A one-replica Deployment with the Recreate strategy, as the workspaces' HelmReleases render them. */
    private static Deployment recreate(String namespace, String name, Map<String, String> annotations, PodSpec pod) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewStrategy().withType("Recreate").endStrategy()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).endMetadata()
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .build();
    }
}
