package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.ClusterSnapshot;
import cloud.angryninja.keeper.manifests.HelmRender;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;

/**
 * Each HelmRelease of the tree rendered by the real Helm engine with the bjw-s app-template chart
 * ({@link HelmRender}: an install into an API that advertises the cluster's groups, as
 * helm-controller installs), and the objects the cluster gets checked: Deployment, Service,
 * HTTPRoute, ServiceMonitor, and that the keeper's configuration and Role name exactly the
 * objects rendered.
 */
class HelmReleaseRenderTest {

    static HelmRender helm;
    static final Map<String, List<JsonNode>> RENDERED = new LinkedHashMap<>();
    static final Map<String, List<JsonNode>> BUILT = new LinkedHashMap<>();

    @BeforeAll
    static void render() {
        helm = new HelmRender();
        for (String app : List.of("opencode-flux", "opencode-ha", K8sTree.KEEPER)) {
            List<JsonNode> built = K8sTree.build(K8sTree.app(app));
            BUILT.put(app, built);
            JsonNode release = K8sTree.single(built, "HelmRelease");
            assertThat(K8sTree.name(release)).isEqualTo(app);
            // helm-controller installs the release under the HelmRelease's name into its namespace (targetNamespace).
            RENDERED.put(app, helm.render(K8sTree.name(release), K8sTree.fluxKustomization(app).targetNamespace(),
                    release.path("spec").path("values")));
        }
    }

    @AfterAll
    static void stop() {
        if (helm != null) {
            helm.close();
        }
    }

    static JsonNode rendered(String app, String kind) {
        return K8sTree.single(RENDERED.get(app), kind);
    }

    static JsonNode podSpec(String app) {
        return rendered(app, "Deployment").path("spec").path("template").path("spec");
    }

    static JsonNode container(JsonNode pod, String list, String name) {
        for (JsonNode c : pod.path(list)) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no " + list + " entry " + name);
    }

    @Test
    void eachReleaseRendersOneDeploymentServiceAndRoute() {
        for (String app : RENDERED.keySet()) {
            List<String> kinds = RENDERED.get(app).stream().map(r -> r.path("kind").asText()).sorted().toList();
            List<String> expected = new ArrayList<>(List.of("Deployment", "HTTPRoute", "Service"));
            if (app.equals(K8sTree.KEEPER)) {
                expected.add("ServiceMonitor");
            }
            assertThat(kinds).as("objects rendered for %s", app).containsExactlyElementsOf(expected.stream().sorted().toList());
            for (JsonNode r : RENDERED.get(app)) {
                assertThat(K8sTree.name(r)).as("%s of %s is named after the release", r.path("kind").asText(), app).isEqualTo(app);
            }
            JsonNode route = rendered(app, "HTTPRoute");
            assertThat(route.path("apiVersion").asText()).as("the HTTPRoute version the cluster's Gateway API serves")
                    .isEqualTo("gateway.networking.k8s.io/v1");
        }
    }

    @Test
    void theWorkspacePodsAreWhatTheManifestsPromise() {
        for (String app : K8sTree.WORKSPACES) {
            JsonNode deployment = rendered(app, "Deployment");
            assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
            assertThat(deployment.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
            assertThat(deployment.path("metadata").path("annotations").path("reloader.stakater.com/auto").asText()).isEqualTo("true");
            JsonNode pod = podSpec(app);
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as("no API token in %s's pod", app).isFalse();
            assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(1000);
            assertThat(pod.path("securityContext").path("fsGroup").asInt()).isEqualTo(1000);
            JsonNode init = container(pod, "initContainers", "init-workspace");
            assertThat(init.path("resources").path("requests").path("memory").asText()).isNotBlank();
            assertThat(init.path("resources").path("limits").path("memory").asText()).isNotBlank();
            JsonNode app1 = container(pod, "containers", "app");
            assertThat(app1.path("image").asText()).startsWith("ghcr.io/anomalyco/opencode:1.");
            // The credential reporter: a native sidecar, after init-workspace, its volumes the token alone and auth.json's folder
            List<String> inits = new java.util.ArrayList<>();
            pod.path("initContainers").forEach(c -> inits.add(c.path("name").asText()));
            assertThat(inits).as("init containers in order").containsExactly("init-workspace", "report-credential");
            JsonNode reporter = container(pod, "initContainers", "report-credential");
            assertThat(reporter.path("restartPolicy").asText()).isEqualTo("Always");
            assertThat(reporter.path("image").asText()).isEqualTo(init.path("image").asText());
            assertThat(pod.has("shareProcessNamespace")).isFalse();
            Map<String, JsonNode> reporterMounts = new LinkedHashMap<>();
            reporter.path("volumeMounts").forEach(m -> reporterMounts.put(m.path("name").asText(), m));
            assertThat(reporterMounts.values()).filteredOn(m -> !m.path("name").asText().equals("report-tmp"))
                    .allMatch(m -> m.path("readOnly").asBoolean(), "read-only");
            assertThat(reporterMounts.get("data").path("subPath").asText()).isEqualTo("home/.local/share/opencode");

            Map<String, JsonNode> volumes = new LinkedHashMap<>();
            pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
            JsonNode pvc = K8sTree.single(BUILT.get(app), "PersistentVolumeClaim");
            assertThat(volumes.get("data").path("persistentVolumeClaim").path("claimName").asText()).isEqualTo(K8sTree.name(pvc));
            JsonNode es = K8sTree.named(BUILT.get(app), "ExternalSecret", app);
            assertThat(volumes.get("secrets").path("secret").path("secretName").asText())
                    .isEqualTo(es.path("spec").path("target").path("name").asText());
            List<String> configMaps = K8sTree.all(BUILT.get(app), "ConfigMap").stream().map(K8sTree::name).toList();
            assertThat(configMaps).contains(volumes.get("init-script").path("configMap").path("name").asText());
            assertThat(configMaps).contains(volumes.get("report-script").path("configMap").path("name").asText());
            assertThat(volumes.get("report-token").path("secret").path("items")).hasSize(1);
            assertThat(volumes.get("report-token").path("secret").path("items").get(0).path("key").asText()).isEqualTo("KEEPER_REPORT_TOKEN");
            assertThat(reporterMounts.keySet()).containsExactlyInAnyOrder("data", "report-token", "report-script", "report-tmp");
            assertThat(volumes.get("report-tmp").path("emptyDir").path("medium").asText()).isEqualTo("Memory");

            JsonNode service = rendered(app, "Service");
            JsonNode port = service.path("spec").path("ports").get(0);
            assertThat(port.path("port").asInt()).isEqualTo(4096);
            assertThat(port.path("appProtocol").asText()).isEqualTo("gateway.envoyproxy.io/ws");
            assertSelects(service, deployment);
            assertRoutesTo(rendered(app, "HTTPRoute"), service, app.substring("opencode-".length()) + ".opencode." + ClusterSnapshot.DOMAIN);
        }
    }

    @Test
    void theKeeperIsRestartedOnlyForItsOwnObjectsAndScrapedWhereTheAlertsLook() {
        JsonNode deployment = rendered(K8sTree.KEEPER, "Deployment");
        JsonNode annotations = deployment.path("metadata").path("annotations");
        assertThat(annotations.has("reloader.stakater.com/auto")).isFalse();
        assertThat(annotations.path("secret.reloader.stakater.com/reload").asText())
                .isEqualTo(K8sTree.single(BUILT.get(K8sTree.KEEPER), "ExternalSecret").path("spec").path("target").path("name").asText());
        JsonNode pod = podSpec(K8sTree.KEEPER);
        String configMap = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.has("configMap")) {
                configMap = v.path("configMap").path("name").asText();
            }
        }
        assertThat(annotations.path("configmap.reloader.stakater.com/reload").asText()).isEqualTo(configMap)
                .isEqualTo(KeeperConfig.CONFIG_MAP);
        assertThat(K8sTree.all(BUILT.get(K8sTree.KEEPER), "ConfigMap").stream().map(K8sTree::name)).contains(configMap);
        assertThat(container(pod, "containers", "app").path("image").asText()).startsWith("ghcr.io/jbaker48/opencode-keeper:");

        JsonNode service = rendered(K8sTree.KEEPER, "Service");
        assertSelects(service, deployment);
        assertRoutesTo(rendered(K8sTree.KEEPER, "HTTPRoute"), service, "keeper.opencode." + ClusterSnapshot.DOMAIN);
        JsonNode monitor = rendered(K8sTree.KEEPER, "ServiceMonitor");
        JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
        selector.properties().forEach(e -> assertThat(service.path("metadata").path("labels").path(e.getKey()).asText())
                .as("the ServiceMonitor selects the keeper's Service by %s", e.getKey()).isEqualTo(e.getValue().asText()));
        assertThat(selector.size()).isPositive();
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        List<String> portNames = new ArrayList<>();
        service.path("spec").path("ports").forEach(p -> portNames.add(p.path("name").asText()));
        assertThat(portNames).contains(endpoint.path("port").asText());
        assertThat(K8sTree.name(service)).as("the scrape job the alerts name").isEqualTo("opencode-keeper");
    }

    /** The keeper's configuration and Role name the Services, Deployments and Secrets the workspaces' releases render. */
    @Test
    void theKeepersConfigurationAndRoleNameTheRenderedObjects() {
        KeeperConfig config = KeeperConfig.deployed();
        Set<String> deployments = new TreeSet<>();
        Set<String> secrets = new TreeSet<>();
        Set<String> externalSecrets = new TreeSet<>();
        for (String app : K8sTree.WORKSPACES) {
            JsonNode deployment = rendered(app, "Deployment");
            assertThat(config.workspace(app, "deployment")).isEqualTo(K8sTree.name(deployment));
            assertThat(config.workspace(app, "namespace")).isEqualTo(K8sTree.fluxKustomization(app).targetNamespace());
            URI url = URI.create(config.workspace(app, "url"));
            JsonNode service = rendered(app, "Service");
            assertThat(url.getHost()).isEqualTo(K8sTree.name(service) + "." + config.workspace(app, "namespace") + ".svc.cluster.local");
            assertThat(url.getPort()).isEqualTo(service.path("spec").path("ports").get(0).path("port").asInt());
            String mounted = null;
            for (JsonNode v : podSpec(app).path("volumes")) {
                if (v.has("secret")) {
                    mounted = v.path("secret").path("secretName").asText();
                }
            }
            assertThat(config.workspace(app, "secret")).as("the Secret %s's pod mounts", app).isEqualTo(mounted);
            JsonNode es = K8sTree.named(BUILT.get(app), "ExternalSecret", config.workspace(app, "external-secret"));
            assertThat(es.path("spec").path("target").path("name").asText()).isEqualTo(mounted);
            deployments.add(K8sTree.name(deployment));
            secrets.add(mounted);
            externalSecrets.add(K8sTree.name(es));
        }
        JsonNode role = K8sTree.single(BUILT.get(K8sTree.KEEPER), "Role");
        Map<String, Set<String>> named = new LinkedHashMap<>();
        for (JsonNode rule : role.path("rules")) {
            for (String resource : Yaml.texts(rule.path("resources"))) {
                named.computeIfAbsent(resource, r -> new TreeSet<>()).addAll(Yaml.texts(rule.path("resourceNames")));
            }
        }
        assertThat(named).containsExactlyInAnyOrderEntriesOf(Map.of("deployments", deployments, "secrets", secrets,
                "externalsecrets", externalSecrets));
        JsonNode binding = K8sTree.single(BUILT.get(K8sTree.KEEPER), "RoleBinding");
        assertThat(podSpec(K8sTree.KEEPER).path("serviceAccountName").asText())
                .isEqualTo(binding.path("subjects").get(0).path("name").asText())
                .isEqualTo(K8sTree.name(K8sTree.single(BUILT.get(K8sTree.KEEPER), "ServiceAccount")));
        assertThat(podSpec(K8sTree.KEEPER).path("automountServiceAccountToken").asBoolean(false)).as("the keeper talks to the API").isTrue();
    }

    private static void assertSelects(JsonNode service, JsonNode deployment) {
        JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
        JsonNode selector = service.path("spec").path("selector");
        assertThat(selector.size()).isPositive();
        selector.properties().forEach(e -> assertThat(podLabels.path(e.getKey()).asText())
                .as("Service %s selects the pods by %s", K8sTree.name(service), e.getKey()).isEqualTo(e.getValue().asText()));
    }

    private static void assertRoutesTo(JsonNode route, JsonNode service, String host) {
        assertThat(Yaml.texts(route.path("spec").path("hostnames"))).containsExactly(host);
        JsonNode parent = route.path("spec").path("parentRefs").get(0);
        assertThat(parent.path("name").asText()).isEqualTo("envoy-internal");
        assertThat(parent.path("namespace").asText()).isEqualTo("network");
        assertThat(parent.path("sectionName").asText()).isEqualTo("https");
        JsonNode backend = route.path("spec").path("rules").get(0).path("backendRefs").get(0);
        assertThat(backend.path("name").asText()).isEqualTo(K8sTree.name(service));
        assertThat(backend.path("port").asInt()).isEqualTo(service.path("spec").path("ports").get(0).path("port").asInt());
    }
}
