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
import cloud.angryninja.keeper.testing.Tier;

/**
 * Each HelmRelease of the tree rendered by the real Helm engine with the bjw-s app-template chart
 * ({@link HelmRender}: an install into an API that advertises the cluster's groups, as
 * helm-controller installs), and the objects the cluster gets checked: Deployment, Service,
 * HTTPRoute, ServiceMonitor, and that the keeper's configuration and Role name exactly the
 * objects rendered.
 */
@Tier.Integration
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
            // Reloader restarts the pod for the workspace's own Secret only, never for the credential (given live).
            JsonNode annotations = deployment.path("metadata").path("annotations");
            assertThat(annotations.has("reloader.stakater.com/auto")).isFalse();
            assertThat(annotations.path("secret.reloader.stakater.com/reload").asText())
                    .isEqualTo(K8sTree.named(BUILT.get(app), "ExternalSecret", app).path("spec").path("target").path("name").asText())
                    .isEqualTo(app + "-secret");
            JsonNode pod = podSpec(app);
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as("no API token in %s's pod", app).isFalse();
            assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(1000);
            assertThat(pod.path("securityContext").path("fsGroup").asInt()).isEqualTo(1000);
            // The PVC's pod is never scheduled on talos02 (the cluster's PVC apps' exclusion; DropInTest compares the form).
            JsonNode term = pod.path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                    .path("nodeSelectorTerms");
            assertThat(term).as("%s's node selector terms", app).singleElement().satisfies(t -> assertThat(t.path("matchExpressions"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.path("key").asText()).isEqualTo("kubernetes.io/hostname");
                        assertThat(e.path("operator").asText()).isEqualTo("NotIn");
                        assertThat(Yaml.texts(e.path("values"))).containsExactly("talos02");
                    }));
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
            assertThat(volumes.get("secrets").path("secret").path("items").findValuesAsText("key")).as("of its own Secret, the PAT alone")
                    .containsExactly("GITHUB_PAT");
            JsonNode credential = K8sTree.named(BUILT.get(app), "ExternalSecret", app + "-copilot");
            assertThat(volumes.get("credential").path("secret").path("secretName").asText())
                    .isEqualTo(credential.path("spec").path("target").path("name").asText());
            assertThat(volumes.get("credential").path("secret").has("items")).as("the credential Secret, all of it").isFalse();
            // Secrets and the init container's /tmp (its copies of the credential) are mounted in the init container only.
            Map<String, List<String>> mountedBy = new LinkedHashMap<>();
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode c : pod.path(list)) {
                    for (JsonNode m : c.path("volumeMounts")) {
                        mountedBy.computeIfAbsent(m.path("name").asText(), v -> new ArrayList<>()).add(c.path("name").asText());
                        if (volumes.get(m.path("name").asText()).has("secret")) {
                            assertThat(m.has("subPath")).as("a Secret as a folder: a subPath never sees a new value").isFalse();
                        }
                    }
                }
            }
            for (String v : List.of("secrets", "credential", "init-tmp")) {
                assertThat(mountedBy.get(v)).as("containers mounting %s", v).containsExactly("init-workspace");
            }
            assertThat(volumes.get("init-tmp").path("emptyDir").path("medium").asText()).isEqualTo("Memory");
            assertThat(init.path("env").findValuesAsText("name")).as("the script's TMPDIR is /tmp, its default").doesNotContain("TMPDIR");
            List<JsonNode> initMounts = new ArrayList<>();
            init.path("volumeMounts").forEach(initMounts::add);
            assertThat(initMounts).filteredOn(m -> m.path("mountPath").asText().equals("/tmp")).singleElement()
                    .satisfies(m -> assertThat(m.path("name").asText()).as("the init container's /tmp").isEqualTo("init-tmp"));
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
        // The pod names its own Secret and no other: a missing workspace Secret never keeps it from starting
        // (CreateContainerConfigError), and a reseed's rewrite of one never restarts it.
        JsonNode app = container(pod, "containers", "app");
        Set<String> secrets = new TreeSet<>(app.path("env").findValues("secretKeyRef").stream().map(r -> r.path("name").asText()).toList());
        app.path("envFrom").forEach(e -> secrets.add(e.path("secretRef").path("name").asText()));
        pod.path("volumes").forEach(v -> {
            if (v.has("secret")) {
                secrets.add(v.path("secret").path("secretName").asText());
            }
        });
        assertThat(secrets).as("Secrets the keeper's pod reads").containsExactly(annotations.path("secret.reloader.stakater.com/reload").asText());

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

    /**
     * The keeper's HTTPRoute serves its API to the LAN and nothing else: every path of a REST resource of the keeper
     * (the sandbox is dev-only) matches one of its rules, Quarkus's /q/ endpoints (health, metrics) and the root match
     * none. Matching as the Gateway API defines PathPrefix: whole path elements.
     */
    @Test
    void theKeepersRouteServesItsApiAndNotItsHealthOrMetrics() throws java.io.IOException {
        JsonNode route = rendered(K8sTree.KEEPER, "HTTPRoute");
        List<String> prefixes = new ArrayList<>();
        for (JsonNode rule : route.path("spec").path("rules")) {
            assertThat(rule.path("matches").size()).as("a rule without matches serves every path").isPositive();
            for (JsonNode match : rule.path("matches")) {
                assertThat(match.path("path").path("type").asText()).isEqualTo("PathPrefix");
                assertThat(match.has("headers") || match.has("queryParams") || match.has("method")).isFalse();
                prefixes.add(match.path("path").path("value").asText());
            }
        }
        List<String> api = apiRoots();
        assertThat(api).contains("/reseed", "/login", "/workspaces");
        for (String path : api) {
            for (String request : List.of(path, path + "/x1", path + "?workspace=opencode-ha")) {
                assertThat(served(prefixes, request)).as("%s is served (route prefixes %s)", request, prefixes).isTrue();
            }
        }
        for (String request : List.of("/", "/q/metrics", "/q/health", "/q/health/ready", "/q/health/live", "/sandbox/credentials/opencode-flux/revoke",
                "/reseedx", "/workspacesx", "/q/dev-ui")) {
            assertThat(served(prefixes, request)).as("%s is not served (route prefixes %s)", request, prefixes).isFalse();
        }
    }

    /** The class-level @Path of every REST resource of the keeper (not the REST client interfaces; the sandbox is not in it). */
    static List<String> apiRoots() throws java.io.IOException {
        java.util.regex.Pattern classPath = java.util.regex.Pattern.compile("(?m)^@Path\\(\"([^\"]+)\"\\)");
        List<String> roots = new ArrayList<>();
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(cloud.angryninja.keeper.manifests.Repo.path("keeper/src/main/java"))) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = java.nio.file.Files.readString(f);
                java.util.regex.Matcher m = classPath.matcher(source);
                if (m.find() && !source.contains("public interface")) {
                    roots.add(m.group(1));
                }
            }
        }
        return roots;
    }

    /** Gateway API PathPrefix: the request path (query left off) equals the prefix or continues it with a "/". */
    static boolean served(List<String> prefixes, String request) {
        String path = request.contains("?") ? request.substring(0, request.indexOf('?')) : request;
        return prefixes.stream().anyMatch(p -> p.equals("/") || path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/"));
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
            List<String> mounted = new ArrayList<>();
            for (JsonNode v : podSpec(app).path("volumes")) {
                if (v.has("secret")) {
                    mounted.add(v.path("secret").path("secretName").asText());
                }
            }
            assertThat(mounted).as("the Secrets %s's pod mounts", app).contains(config.workspace(app, "secret"));
            JsonNode es = K8sTree.named(BUILT.get(app), "ExternalSecret", config.workspace(app, "external-secret"));
            assertThat(es.path("spec").path("target").path("name").asText()).isEqualTo(config.workspace(app, "secret"));
            // The workspace's own Secret: the server's password (and the report token the keeper reads).
            String own = container(podSpec(app), "containers", "app").path("env").findValues("secretKeyRef").getFirst().path("name").asText();
            deployments.add(K8sTree.name(deployment));
            secrets.add(config.workspace(app, "secret"));
            secrets.add(own);
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
