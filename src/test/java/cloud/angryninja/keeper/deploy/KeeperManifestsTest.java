package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.FluxSubstitution;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Yaml;

/**
 * The keeper's deployment under k8s/apps/opencode/opencode-keeper, as Flux applies it (built with
 * kubectl kustomize, then substituted), checked for what must agree across its files: the config,
 * its environment, the Secrets, the Role, the route and its timeout, the scrape job the alerts
 * name. What must agree with the workspaces' manifests: {@link KeeperMeetsTheWorkspacesTest}.
 */
class KeeperManifestsTest {

    static final List<JsonNode> BUILT = K8sTree.build(K8sTree.keeperApp());
    static final K8sTree.FluxKustomization FLUX_KS = K8sTree.fluxKustomization(K8sTree.KEEPER);
    static final JsonNode KS = FLUX_KS.manifest();
    static final JsonNode HELM_RELEASE = K8sTree.single(BUILT, "HelmRelease");
    static final JsonNode VALUES = HELM_RELEASE.path("spec").path("values");
    static final JsonNode CONTROLLER = VALUES.path("controllers").path("opencode-keeper");
    static final JsonNode CONTAINER = CONTROLLER.path("containers").path("app");
    static final String CONFIG_FILE = Repo.read(K8sTree.keeperApp().resolve("config/application.properties"));
    static final KeeperConfig CONFIG = KeeperConfig.deployed();
    static final List<String> WORKSPACES = K8sTree.WORKSPACES;

    @Test
    void fluxKustomizationFollowsTheHomeOpsConvention() {
        assertThat(KS.path("apiVersion").asText()).isEqualTo("kustomize.toolkit.fluxcd.io/v1");
        assertThat(KS.path("kind").asText()).isEqualTo("Kustomization");
        assertThat(KS.path("metadata").path("namespace").asText()).isEqualTo("flux-system");
        JsonNode spec = KS.path("spec");
        assertThat(spec.path("targetNamespace").asText()).isEqualTo("opencode");
        assertThat(spec.path("sourceRef").path("kind").asText()).isEqualTo("GitRepository");
        assertThat(spec.path("sourceRef").path("name").asText()).isEqualTo("home-kubernetes");
        assertThat(FLUX_KS.dependsOn()).contains("external-secrets-stores");
        assertThat(FLUX_KS.substitute()).containsEntry("APP", "opencode-keeper");
        assertThat(FLUX_KS.path()).isEqualTo(K8sTree.keeperApp());
    }

    /**
     * Flux substitutes ${VAR} after the build and, without the opt-out, blanks unknown ones: the
     * config, the dashboard and the alert rules (shell text in the annotations) opt out, so the
     * keeper's, Grafana's and the shell's expressions reach them intact.
     * (Everything else substitutes completely: KustomizeBuildTest.)
     */
    @Test
    void theKeepersExpressionsAreLeftIntactByFlux() {
        List<String> optedOut = BUILT.stream().filter(FluxSubstitution::isDisabled).map(K8sTree::id).toList();
        assertThat(optedOut).containsExactlyInAnyOrder("ConfigMap/opencode-keeper-config", "ConfigMap/opencode-keeper-dashboard",
                "PrometheusRule/opencode-keeper");
        assertThat(CONFIG.text()).isEqualTo(CONFIG_FILE);
        assertThat(CONFIG.variables()).isNotEmpty().doesNotContainAnyElementsOf(FLUX_KS.substitute().keySet());
    }

    @Test
    void theContainerIsLockedDown() {
        JsonNode security = CONTAINER.path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(security.path("capabilities").has("add")).isFalse();
        JsonNode pod = VALUES.path("defaultPodOptions").path("securityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asInt()).isPositive();
        assertThat(pod.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        // The root filesystem is read-only: /tmp is an emptyDir.
        assertThat(VALUES.path("persistence").path("tmp").path("type").asText()).isEqualTo("emptyDir");
        assertThat(VALUES.path("persistence").path("tmp").path("globalMounts").get(0).path("path").asText()).isEqualTo("/tmp");
    }

    @Test
    void oneReplicaWithoutLeaderElectionByDefault() {
        assertThat(CONTROLLER.path("replicas").asInt()).isEqualTo(1);
        assertThat(CONFIG_FILE.lines().map(String::strip).filter(l -> l.startsWith("keeper.leader-election."))).as(
                "leader election stays off (commented out) with one replica").isEmpty();
        assertThat(CONFIG_FILE).contains("# keeper.leader-election.enabled=true");
    }

    @Test
    void imageIsPinnedAndResourcesAndHealthProbesAreSet() {
        assertThat(CONTAINER.path("image").path("repository").asText()).isEqualTo("ghcr.io/jbaker48/opencode-keeper");
        assertThat(CONTAINER.path("image").path("tag").asText()).matches("\\d+\\.\\d+\\.\\d+");
        JsonNode resources = CONTAINER.path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotBlank();
        assertThat(resources.path("requests").path("memory").asText()).isNotBlank();
        assertThat(resources.path("limits").path("memory").asText()).isNotBlank();
        assertThat(CONTAINER.path("probes").path("liveness").path("spec").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(CONTAINER.path("probes").path("readiness").path("spec").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
    }

    /**
     * Reloader restarts the keeper for its own Secret and configuration only: with
     * reloader.stakater.com/auto it would also restart it for the workspace Secrets its env reads,
     * which every reseed changes (its own ESO step), losing the reply and the verify-after step.
     */
    @Test
    void reloaderRestartsTheKeeperForItsOwnSecretAndConfigurationOnly() {
        JsonNode annotations = CONTROLLER.path("annotations");
        assertThat(annotations.has("reloader.stakater.com/auto")).isFalse();
        assertThat(annotations.has("reloader.stakater.com/search")).isFalse();
        String secret = K8sTree.single(BUILT, "ExternalSecret").path("spec").path("target").path("name").asText();
        assertThat(annotations.path("secret.reloader.stakater.com/reload").asText()).isEqualTo(secret).isEqualTo("opencode-keeper-secret");
        assertThat(annotations.path("configmap.reloader.stakater.com/reload").asText())
                .isEqualTo(VALUES.path("persistence").path("config").path("name").asText());
        java.util.Set<String> readSecrets = new java.util.TreeSet<>(CONTAINER.path("env").findValuesAsText("name"));
        assertThat(readSecrets).as("Secrets the keeper's env reads").contains("opencode-flux-secret", "opencode-ha-secret", secret);
        assertThat(annotations.path("secret.reloader.stakater.com/reload").asText().split(","))
                .as("Secrets whose change restarts the keeper").doesNotContain("opencode-flux-secret", "opencode-ha-secret");
    }

    @Test
    void theConfigDefinesBothWorkspacesWithThePinnedKeys() {
        assertThat(CONFIG.workspaces()).containsExactlyInAnyOrderElementsOf(WORKSPACES);
        for (String ws : WORKSPACES) {
            String prefix = "keeper.workspaces." + ws + ".";
            assertThat(CONFIG.get(prefix + "url")).isEqualTo("http://" + ws + ".opencode.svc.cluster.local:4096");
            assertThat(CONFIG.get(prefix + "namespace")).isEqualTo("opencode");
            assertThat(CONFIG.get(prefix + "secret")).isEqualTo(ws + "-secret");
            assertThat(CONFIG.get(prefix + "secret-key")).isEqualTo("COPILOT_AUTH_JSON");
            assertThat(CONFIG.get(prefix + "doppler-secret"))
                    .isEqualTo(ws.toUpperCase(Locale.ROOT).replace('-', '_') + "_COPILOT_AUTH_JSON");
            assertThat(CONFIG.get(prefix + "password")).matches("\\$\\{[A-Z_]+}");
            assertThat(CONFIG.get(prefix + "report-token-secret")).as("the workspace's other Secret, never the credential's")
                    .isEqualTo(ws + "-secret");
            assertThat(CONFIG.get(prefix + "report-token-key")).isEqualTo("KEEPER_REPORT_TOKEN");
        }
        assertThat(CONFIG.get("keeper.doppler.project")).isEqualTo("k3s-cluster");
        assertThat(CONFIG.get("keeper.doppler.config")).isEqualTo("prd");
        assertThat(CONFIG.get("keeper.probe.interval")).isEqualTo("60s");
        assertThat(CONFIG.get("keeper.api.token")).isEqualTo("${KEEPER_API_TOKEN}");
        assertThat(CONFIG.get("keeper.doppler.token")).isEqualTo("${KEEPER_DOPPLER_TOKEN}");
    }

    /** Every ${VAR} of the config comes from a Secret through the container's env, and from the right one. */
    @Test
    void everyConfigExpressionIsFilledFromTheRightSecret() {
        Map<String, String> secretOf = new TreeMap<>();
        Set<String> variables = CONFIG.variables();
        assertThat(variables).isNotEmpty();
        JsonNode env = CONTAINER.path("env");
        for (String variable : variables) {
            JsonNode ref = env.path(variable).path("valueFrom").path("secretKeyRef");
            assertThat(ref.isMissingNode()).as("env %s from a secretKeyRef", variable).isFalse();
            secretOf.put(variable, ref.path("name").asText() + "/" + ref.path("key").asText());
        }
        for (String ws : WORKSPACES) {
            String passwordVariable = KeeperConfig.variable(CONFIG.workspace(ws, "password"));
            assertThat(secretOf.get(passwordVariable)).isEqualTo(CONFIG.workspace(ws, "secret") + "/OPENCODE_SERVER_PASSWORD");
        }
        JsonNode externalSecret = K8sTree.named(BUILT, "ExternalSecret", "opencode-keeper");
        String keeperSecret = externalSecret.path("spec").path("target").path("name").asText();
        Map<String, String> remoteKeys = new TreeMap<>();
        externalSecret.path("spec").path("data").forEach(d -> remoteKeys.put(d.path("secretKey").asText(), d.path("remoteRef").path("key").asText()));
        assertThat(remoteKeys).containsExactlyInAnyOrderEntriesOf(Map.of(
                "KEEPER_API_TOKEN", "OPENCODE_KEEPER_API_TOKEN",
                "KEEPER_DOPPLER_TOKEN", "OPENCODE_KEEPER_DOPPLER_TOKEN"));
        assertThat(secretOf).containsEntry("KEEPER_API_TOKEN", keeperSecret + "/KEEPER_API_TOKEN")
                .containsEntry("KEEPER_DOPPLER_TOKEN", keeperSecret + "/KEEPER_DOPPLER_TOKEN");
        assertThat(externalSecret.path("spec").path("secretStoreRef").path("kind").asText()).isEqualTo("ClusterSecretStore");
        assertThat(externalSecret.path("spec").path("secretStoreRef").path("name").asText()).isEqualTo("doppler-secrets");
    }

    /** Least privilege: only what the config's workspaces need, by name, and nothing else. */
    @Test
    void theRoleGrantsExactlyTheWorkspacesObjectsByName() {
        JsonNode role = K8sTree.named(BUILT, "Role", "opencode-keeper");
        Map<String, Set<String>> names = new TreeMap<>();
        Map<String, Set<String>> verbs = new TreeMap<>();
        for (JsonNode rule : role.path("rules")) {
            assertThat(rule.toString()).doesNotContain("\"*\"");
            assertThat(rule.path("resourceNames").size()).as("resourceNames of %s", rule).isPositive();
            assertThat(rule.path("resources").size()).isOne();
            String resource = rule.path("apiGroups").get(0).asText() + "/" + rule.path("resources").get(0).asText();
            names.computeIfAbsent(resource, k -> new TreeSet<>()).addAll(Yaml.texts(rule.path("resourceNames")));
            verbs.computeIfAbsent(resource, k -> new TreeSet<>()).addAll(Yaml.texts(rule.path("verbs")));
        }
        assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(
                "external-secrets.io/externalsecrets", CONFIG.workspaceValues("external-secret"),
                "/secrets", CONFIG.workspaceValues("secret"),
                "apps/deployments", CONFIG.workspaceValues("deployment")));
        // list and watch: the informers behind waitUntilCondition, with a metadata.name field selector
        // (KeeperRoleTest runs the code and checks each call against these rules).
        assertThat(verbs).containsExactlyInAnyOrderEntriesOf(Map.of(
                "external-secrets.io/externalsecrets", Set.of("get", "patch", "list", "watch"),
                "/secrets", Set.of("get", "list", "watch"),
                "apps/deployments", Set.of("get", "patch", "list", "watch")));
        JsonNode binding = K8sTree.named(BUILT, "RoleBinding", "opencode-keeper");
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("Role");
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo("opencode-keeper");
        String serviceAccount = CONTROLLER.path("serviceAccount").path("name").asText();
        K8sTree.named(BUILT, "ServiceAccount", serviceAccount);
        assertThat(binding.path("subjects")).singleElement().satisfies(s -> {
            assertThat(s.path("kind").asText()).isEqualTo("ServiceAccount");
            assertThat(s.path("name").asText()).isEqualTo(serviceAccount);
            assertThat(s.path("namespace").asText()).isEqualTo(KS.path("spec").path("targetNamespace").asText());
        });
        assertThat(BUILT).noneMatch(d -> d.path("kind").asText().startsWith("Cluster"));
    }

    @Test
    void theRouteServesTheLaptopUnderTheGatewaysGlobalTrafficPolicy() {
        JsonNode route = VALUES.path("route").path("app");
        assertThat(Yaml.texts(route.path("hostnames"))).containsExactly("keeper.opencode." + cloud.angryninja.keeper.manifests.ClusterSnapshot.DOMAIN);
        assertThat(route.path("parentRefs")).singleElement().satisfies(p -> {
            assertThat(p.path("name").asText()).isEqualTo("envoy-internal");
            assertThat(p.path("namespace").asText()).isEqualTo("network");
            assertThat(p.path("sectionName").asText()).isEqualTo("https");
        });
        // The cluster's global BackendTrafficPolicy (requestTimeout 0s, keepalive, buffer limit) covers
        // the long reseed request; a route-level policy would take the place of all of its settings.
        assertThat(BUILT).noneMatch(r -> r.path("kind").asText().equals("BackendTrafficPolicy"));
    }

    @Test
    void prometheusScrapesTheMetricsUnderTheJobTheAlertsName() {
        JsonNode endpoint = VALUES.path("serviceMonitor").path("app").path("endpoints").get(0);
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(VALUES.path("service").path("app").path("ports").has(endpoint.path("port").asText())).isTrue();
        // Prometheus Operator names the job after the Service.
        String job = VALUES.path("service").path("app").path("forceRename").asText();
        assertThat(Promtool.shippedAlerts().get("OpencodeKeeperDown")).contains("job=\"" + job + "\"")
                .contains("namespace=\"" + KS.path("spec").path("targetNamespace").asText() + "\"");
    }

    @Test
    void theChartIsTheClusterStandardAppTemplate() {
        JsonNode oci = K8sTree.single(BUILT, "OCIRepository");
        assertThat(oci.path("spec").path("url").asText()).isEqualTo("oci://ghcr.io/bjw-s-labs/helm/app-template");
        assertThat(oci.path("spec").path("ref").path("tag").asText()).isEqualTo("4.4.0");
        assertThat(HELM_RELEASE.path("apiVersion").asText()).isEqualTo("helm.toolkit.fluxcd.io/v2");
        assertThat(HELM_RELEASE.path("spec").path("chartRef").path("kind").asText()).isEqualTo("OCIRepository");
        assertThat(HELM_RELEASE.path("spec").path("chartRef").path("name").asText()).isEqualTo(oci.path("metadata").path("name").asText());
        assertThat(Files.isRegularFile(K8sTree.keeperApp().resolve("kustomization.yaml"))).isTrue();
    }
}
