package cloud.angryninja.keeper.manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Renders a HelmRelease's values with the real Helm engine (helm-java) and the bjw-s app-template
 * chart vendored in src/test/resources/charts, the way helm-controller does it: an install into a
 * Kubernetes API whose discovery advertises the API groups the cluster serves (app-template picks
 * the HTTPRoute apiVersion from them: without gateway.networking.k8s.io/v1 it would emit
 * v1alpha2). The API is a fabric8 mock server in CRUD mode on loopback; the rendered objects are
 * read back from it.
 */
public final class HelmRender implements AutoCloseable {

    /** The chart: app-template 4.1.1 (the cluster pins 4.4.0; 4.1.1 is the newest available offline). */
    public static final Path CHART = Repo.path("keeper/src/test/resources/charts/app-template-4.1.1");
    /** The Kubernetes version the discovery answers (the chart requires at least 1.28). */
    static final String KUBE_MINOR = "33";

    /** The kinds the workspaces' and the keeper's releases render, with their API resources. */
    private static final List<ResourceDefinitionContext> KINDS = List.of(
            context("", "v1", "Service", "services"),
            context("", "v1", "ServiceAccount", "serviceaccounts"),
            context("", "v1", "ConfigMap", "configmaps"),
            context("", "v1", "Secret", "secrets"),
            context("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
            context("apps", "v1", "Deployment", "deployments"),
            context("apps", "v1", "StatefulSet", "statefulsets"),
            context("apps", "v1", "DaemonSet", "daemonsets"),
            context("batch", "v1", "Job", "jobs"),
            context("batch", "v1", "CronJob", "cronjobs"),
            context("networking.k8s.io", "v1", "Ingress", "ingresses"),
            context("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies"),
            context("rbac.authorization.k8s.io", "v1", "Role", "roles"),
            context("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
            context("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
            context("gateway.networking.k8s.io", "v1", "GRPCRoute", "grpcroutes"),
            context("gateway.networking.k8s.io", "v1beta1", "HTTPRoute", "httproutes"),
            context("gateway.networking.k8s.io", "v1beta1", "ReferenceGrant", "referencegrants"),
            context("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors"),
            context("monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules"));

    private final KubernetesServer server;
    private final Path work;

    public HelmRender() {
        server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        serveDiscovery();
        try {
            work = Files.createTempDirectory("helm-render");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResourceDefinitionContext context(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind).withPlural(plural)
                .withNamespaced(true).build();
    }

    private void serveDiscovery() {
        serve("/version", Map.of("major", "1", "minor", KUBE_MINOR, "gitVersion", "v1." + KUBE_MINOR + ".0", "platform", "linux/amd64"));
        serve("/api", Map.of("kind", "APIVersions", "versions", List.of("v1")));
        Map<String, List<ResourceDefinitionContext>> byGroupVersion = new LinkedHashMap<>();
        KINDS.forEach(k -> byGroupVersion.computeIfAbsent(k.getGroup() + "/" + k.getVersion(), gv -> new ArrayList<>()).add(k));
        Map<String, List<String>> groups = new LinkedHashMap<>();
        byGroupVersion.keySet().forEach(gv -> {
            String group = gv.substring(0, gv.indexOf('/'));
            if (!group.isEmpty()) {
                groups.computeIfAbsent(group, g -> new ArrayList<>()).add(gv.substring(gv.indexOf('/') + 1));
            }
        });
        List<Map<String, Object>> groupList = new ArrayList<>();
        groups.forEach((group, versions) -> {
            List<Map<String, String>> vs = versions.stream().map(v -> Map.of("groupVersion", group + "/" + v, "version", v)).toList();
            groupList.add(Map.of("name", group, "versions", vs, "preferredVersion", vs.getFirst()));
        });
        serve("/apis", Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groupList));
        byGroupVersion.forEach((gv, kinds) -> {
            String groupVersion = gv.startsWith("/") ? gv.substring(1) : gv;
            List<Map<String, Object>> resources = kinds.stream().map(k -> Map.<String, Object>of("name", k.getPlural(),
                    "singularName", k.getKind().toLowerCase(), "namespaced", true, "kind", k.getKind(),
                    "verbs", List.of("create", "delete", "get", "list", "patch", "update", "watch"))).toList();
            String path = gv.startsWith("/") ? "/api" + gv : "/apis/" + gv;
            serve(path, Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", groupVersion, "resources", resources));
        });
    }

    /** A discovery document, also for client-go's {@code ?timeout=32s} form of the request. */
    private void serve(String path, Object body) {
        var mock = server.getKubernetesMockServer();
        mock.expect().get().withPath(path).andReturn(200, body).always();
        mock.expect().get().withPath(path + "?timeout=32s").andReturn(200, body).always();
    }

    /** The kubeconfig helm uses to reach the mock API. */
    private String kubeconfig() {
        String url = server.getClient().getMasterUrl().toString();
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: %s
                contexts:
                  - name: mock
                    context:
                      cluster: mock
                      user: mock
                      namespace: default
                current-context: mock
                users:
                  - name: mock
                    user:
                      token: mock-token
                """.formatted(url);
    }

    /**
     * Installs the chart as release {@code release} in {@code namespace} with {@code values} (a
     * HelmRelease's spec.values) and returns every object it created, the release's own Secret left out.
     */
    public List<JsonNode> render(String release, String namespace, JsonNode values) {
        Path valuesFile = work.resolve(release + "-values.yaml");
        Yaml.write(valuesFile, values);
        if (!"memory".equals(System.getenv("HELM_DRIVER"))) {
            throw new AssertionError("set HELM_DRIVER=memory for the tests (the pom's surefire configuration does)");
        }
        new Helm(CHART).install().withName(release).withNamespace(namespace).withKubeConfigContents(kubeconfig())
                .withValuesFile(valuesFile).disableOpenApiValidation().withTimeout(60).call();
        KubernetesClient client = server.getClient();
        Map<String, JsonNode> objects = new LinkedHashMap<>();
        for (ResourceDefinitionContext kind : KINDS) {
            for (GenericKubernetesResource r : client.genericKubernetesResources(kind).inNamespace(namespace).list().getItems()) {
                Map<String, String> labels = r.getMetadata().getLabels() == null ? Map.of() : r.getMetadata().getLabels();
                if (release.equals(labels.get("app.kubernetes.io/instance")) && !"helm".equals(labels.get("owner"))) {
                    objects.putIfAbsent(r.getKind() + "/" + r.getMetadata().getName(), Yaml.JSON.valueToTree(r));
                }
            }
        }
        return List.copyOf(objects.values());
    }

    @Override
    public void close() {
        server.after();
    }
}
