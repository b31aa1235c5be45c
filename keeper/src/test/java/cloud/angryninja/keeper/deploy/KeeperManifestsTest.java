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
import cloud.angryninja.keeper.testing.Tier;

/**
 * The keeper's deployment under k8s/apps/opencode/opencode-keeper, as Flux applies it (built with
 * kubectl kustomize, then substituted), checked for what must agree across its files: the config,
 * its environment, the Secrets, the Role, the route and its timeout, the scrape job the alerts
 * name. What must agree with the workspaces' manifests: {@link KeeperMeetsTheWorkspacesTest}.
 */
@Tier.Integration
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
     * Reloader restarts the keeper for its own Secret and configuration only, and the pod reads no other Secret: the
     * workspace Secrets every reseed rewrites (its own ESO step) are never in the keeper's pod, so a reseed never
     * restarts it in the middle of its reply, and a missing workspace never keeps it from starting.
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
        assertThat(secretsThePodReads()).as("Secrets the keeper's pod reads").containsExactly(secret);
    }

    /** Every Secret the keeper's container names: env secretKeyRefs, envFrom secretRefs, secret volumes. */
    static Set<String> secretsThePodReads() {
        Set<String> names = new TreeSet<>(CONTAINER.path("env").findValues("secretKeyRef").stream().map(r -> r.path("name").asText()).toList());
        CONTAINER.path("envFrom").forEach(e -> {
            if (e.has("secretRef")) {
                names.add(e.path("secretRef").path("name").asText());
            }
            if (e.has("secret")) {
                names.add(e.path("secret").asText());
            }
        });
        VALUES.path("persistence").forEach(v -> {
            if (v.path("type").asText().equals("secret")) {
                names.add(v.path("name").asText());
            }
        });
        return names;
    }

    @Test
    void theConfigDefinesBothWorkspacesWithThePinnedKeys() {
        assertThat(CONFIG.workspaces()).containsExactlyInAnyOrderElementsOf(WORKSPACES);
        for (String ws : WORKSPACES) {
            String prefix = "keeper.workspaces." + ws + ".";
            assertThat(CONFIG.get(prefix + "url")).isEqualTo("http://" + ws + ".opencode.svc.cluster.local:4096");
            assertThat(CONFIG.get(prefix + "namespace")).isEqualTo("opencode");
            assertThat(CONFIG.get(prefix + "secret")).isEqualTo(ws + "-copilot");
            assertThat(CONFIG.get(prefix + "external-secret")).isEqualTo(ws + "-copilot");
            assertThat(CONFIG.get(prefix + "secret-key")).isEqualTo("COPILOT_AUTH_JSON");
            assertThat(CONFIG.get(prefix + "doppler-secret"))
                    .isEqualTo(ws.toUpperCase(Locale.ROOT).replace('-', '_') + "_COPILOT_AUTH_JSON");
            // Empty when the variable is missing (Doppler has no such name yet): no start-up error.
            assertThat(CONFIG.get(prefix + "password")).matches("\\$\\{[A-Z_]+:}");
            assertThat(CONFIG.get(prefix + "report-token-secret")).as("the workspace's other Secret, never the credential's")
                    .isEqualTo(ws + "-secret");
            assertThat(CONFIG.get(prefix + "report-token-key")).isEqualTo("KEEPER_REPORT_TOKEN");
        }
        assertThat(CONFIG.get("keeper.doppler.project")).as("the Doppler project of the opencode credentials alone").isEqualTo("opencode-keeper");
        assertThat(CONFIG.get("keeper.doppler.config")).isEqualTo("prd");
        assertThat(CONFIG.get("keeper.probe.interval")).isEqualTo("60s");
        assertThat(CONFIG.get("keeper.api.token")).isEqualTo("${KEEPER_API_TOKEN}");
        assertThat(CONFIG.get("keeper.doppler.token")).isEqualTo("${KEEPER_DOPPLER_TOKEN}");
    }

    /**
     * Every ${VAR} of the config is a key of the keeper's own Secret, which the container takes whole (envFrom): the
     * keeper's tokens from required data entries (no Secret, no start: the pod waits for it), each workspace's password
     * from a find of its Doppler name, present when Doppler has it and left out otherwise, which the config's
     * {@code ${VAR:}} reads as empty.
     */
    @Test
    void everyConfigExpressionIsFilledFromTheKeepersOwnSecret() {
        Set<String> variables = CONFIG.variables();
        assertThat(variables).isNotEmpty();
        JsonNode externalSecret = K8sTree.named(BUILT, "ExternalSecret", "opencode-keeper");
        String keeperSecret = externalSecret.path("spec").path("target").path("name").asText();
        assertThat(CONTAINER.path("env").isMissingNode() || CONTAINER.path("env").isEmpty()).as("no env entry: everything from the Secret").isTrue();
        assertThat(CONTAINER.path("envFrom")).singleElement()
                .satisfies(e -> assertThat(e.path("secretRef").path("name").asText()).isEqualTo(keeperSecret));
        Map<String, String> required = new TreeMap<>();
        externalSecret.path("spec").path("data").forEach(d -> required.put(d.path("secretKey").asText(), d.path("remoteRef").path("key").asText()));
        assertThat(required).containsExactlyInAnyOrderEntriesOf(Map.of(
                "KEEPER_API_TOKEN", "OPENCODE_KEEPER_API_TOKEN",
                "KEEPER_DOPPLER_TOKEN", "OPENCODE_KEEPER_DOPPLER_TOKEN"));
        assertThat(externalSecret.path("spec").path("target").has("template")).as("found names are the Secret's keys").isFalse();
        List<String> found = externalSecret.path("spec").path("dataFrom").findValuesAsText("path");
        assertThat(externalSecret.path("spec").path("dataFrom").findValues("find")).hasSameSizeAs(found);
        for (String variable : variables) {
            assertThat(required.containsKey(variable) || found.contains(variable)).as("%s is a key of Secret %s", variable, keeperSecret).isTrue();
        }
        for (String ws : WORKSPACES) {
            String password = CONFIG.workspace(ws, "password");
            assertThat(found).as("the keeper's Secret finds %s's password", ws).contains(KeeperConfig.variable(password));
            assertThat(KeeperConfig.emptyWhenMissing(password)).as("%s's password may be missing", ws).isTrue();
        }
        for (String key : List.of("keeper.api.token", "keeper.doppler.token")) {
            assertThat(required).containsKey(KeeperConfig.variable(CONFIG.get(key)));
            assertThat(KeeperConfig.emptyWhenMissing(CONFIG.get(key))).as("%s is required", key).isFalse();
        }
        assertThat(externalSecret.path("spec").path("secretStoreRef").path("kind").asText()).isEqualTo("ClusterSecretStore");
        assertThat(externalSecret.path("spec").path("secretStoreRef").path("name").asText()).isEqualTo("doppler-secrets");
    }

    /**
     * Least privilege: only what the config's workspaces need, by name, and nothing else: the credential's
     * ExternalSecret and Secret and the Deployment for a reseed, the workspace's own Secret (its report
     * token) for a get alone.
     */
    @Test
    void theRoleGrantsExactlyTheWorkspacesObjectsByName() {
        JsonNode role = K8sTree.named(BUILT, "Role", "opencode-keeper");
        Map<String, Set<String>> verbs = new TreeMap<>();
        for (JsonNode rule : role.path("rules")) {
            assertThat(rule.toString()).doesNotContain("\"*\"");
            assertThat(rule.path("resourceNames").size()).as("resourceNames of %s", rule).isPositive();
            assertThat(rule.path("resources").size()).isOne();
            String resource = rule.path("apiGroups").get(0).asText() + "/" + rule.path("resources").get(0).asText();
            for (String name : Yaml.texts(rule.path("resourceNames"))) {
                verbs.computeIfAbsent(resource + " " + name, k -> new TreeSet<>()).addAll(Yaml.texts(rule.path("verbs")));
            }
        }
        // list and watch: the informers behind waitUntilCondition, with a metadata.name field selector
        // (KeeperRoleTest runs the code and checks each call against these rules).
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String ws : WORKSPACES) {
            expected.put("external-secrets.io/externalsecrets " + CONFIG.workspace(ws, "external-secret"), Set.of("get", "patch", "list", "watch"));
            expected.put("/secrets " + CONFIG.workspace(ws, "secret"), Set.of("get", "list", "watch"));
            expected.put("/secrets " + ws + "-secret", Set.of("get"));
            expected.put("apps/deployments " + CONFIG.workspace(ws, "deployment"), Set.of("get", "patch", "list", "watch"));
        }
        assertThat(verbs).containsExactlyInAnyOrderEntriesOf(expected);
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
