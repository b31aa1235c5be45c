package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.sandbox.OpenCodeProcess;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The keeper's deployment agrees with the workspaces' as Flux applies both: every name in the
 * keeper's config and Role is the name the workspaces' built manifests give their Deployment,
 * Service, ExternalSecret, Secret and Doppler variables; the keeper reaches each workspace's
 * Service on the port it exposes; the keeper's ks.yaml follows the workspaces' conventions.
 * Nothing here is written twice: each expected value is read from the workspace's build.
 */
@Tier.Integration
class KeeperMeetsTheWorkspacesTest {

    static final KeeperConfig CONFIG = KeeperConfig.deployed();
    static final List<JsonNode> KEEPER = K8sTree.build(K8sTree.keeperApp());
    static final K8sTree.FluxKustomization KEEPER_KS = K8sTree.fluxKustomization(K8sTree.KEEPER);

    /** A workspace as its own Flux Kustomization and build define it. */
    record Workspace(K8sTree.FluxKustomization ks, List<JsonNode> built) {

        static Workspace of(String name) {
            K8sTree.FluxKustomization ks = K8sTree.fluxKustomization(name);
            return new Workspace(ks, K8sTree.build(ks.path()));
        }

        String namespace() {
            return ks.targetNamespace();
        }

        JsonNode release() {
            return K8sTree.single(built, "HelmRelease");
        }

        JsonNode values() {
            return release().path("spec").path("values");
        }

        /** The Helm release name: spec.releaseName, else the HelmRelease's name (it has no spec.targetNamespace). */
        String releaseName() {
            assertThat(release().path("spec").has("targetNamespace")).as("HelmRelease spec.targetNamespace").isFalse();
            return release().path("spec").path("releaseName").asText(K8sTree.name(release()));
        }

        /** bjw-s app-template: the one controller's Deployment is named after the release. */
        String deployment() {
            List<String> controllers = Yaml.fieldNames(values().path("controllers"));
            assertThat(controllers).as("controllers of %s", ks.name()).hasSize(1);
            JsonNode controller = values().path("controllers").path(controllers.getFirst());
            assertThat(controller.path("type").asText("deployment")).isEqualTo("deployment");
            return controller.path("forceRename").asText(releaseName());
        }

        /** bjw-s app-template: the one Service is named after the release. */
        JsonNode service() {
            List<String> services = Yaml.fieldNames(values().path("service"));
            assertThat(services).as("services of %s", ks.name()).hasSize(1);
            return values().path("service").path(services.getFirst());
        }

        boolean dependsOnStores() {
            return ks.dependsOn().contains(K8sTree.STORES);
        }

        String serviceName() {
            return service().path("forceRename").asText(releaseName());
        }

        int servicePort() {
            List<String> ports = Yaml.fieldNames(service().path("ports"));
            assertThat(ports).as("ports of the Service of %s", ks.name()).hasSize(1);
            return service().path("ports").path(ports.getFirst()).path("port").asInt();
        }

        /** The workspace's own Secret: the one holding the token its reporter sends the keeper (and the server password). */
        String ownSecret() {
            List<String> owners = K8sTree.all(built, "ExternalSecret").stream()
                    .filter(es -> cloud.angryninja.keeper.manifests.ExternalSecretKeys.secretKeys(es).contains("KEEPER_REPORT_TOKEN"))
                    .map(es -> es.path("spec").path("target").path("name").asText()).toList();
            assertThat(owners).as("Secrets of %s holding KEEPER_REPORT_TOKEN", ks.name()).hasSize(1);
            return owners.getFirst();
        }

        /** The one container's env entry, a secretKeyRef. */
        JsonNode serverPasswordRef() {
            JsonNode controller = values().path("controllers").elements().next();
            JsonNode container = controller.path("containers").elements().next();
            return container.path("env").path("OPENCODE_SERVER_PASSWORD").path("valueFrom").path("secretKeyRef");
        }

        JsonNode externalSecretWriting(String secret) {
            List<JsonNode> writers = K8sTree.all(built, "ExternalSecret").stream()
                    .filter(es -> es.path("spec").path("target").path("name").asText().equals(secret)).toList();
            assertThat(writers).as("ExternalSecrets of %s writing Secret %s", ks.name(), secret).hasSize(1);
            return writers.getFirst();
        }
    }

    /** The workspaces: the Flux Kustomizations of the opencode namespace other than the keeper's and the store's. */
    static List<String> workspaces() {
        List<String> names = K8sTree.fluxKustomizations().stream()
                .filter(ks -> ks.file().startsWith(K8sTree.k8s().resolve("apps/opencode")))
                .map(K8sTree.FluxKustomization::name).filter(n -> !n.equals(K8sTree.KEEPER) && !n.equals(K8sTree.STORES)).sorted().toList();
        assertThat(names).as("workspaces in k8s/apps/opencode").containsExactlyElementsOf(K8sTree.WORKSPACES);
        return names;
    }

    @Test
    void theConfigNamesEveryWorkspaceOfTheTreeAndNoOther() {
        assertThat(CONFIG.workspaces()).containsExactlyInAnyOrderElementsOf(workspaces());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workspaces")
    void theConfigNamesTheWorkspacesObjectsAsTheirManifestsDo(String name) {
        Workspace ws = Workspace.of(name);
        assertThat(CONFIG.workspace(name, "namespace")).isEqualTo(ws.namespace()).isEqualTo(KEEPER_KS.targetNamespace());
        assertThat(CONFIG.workspace(name, "deployment")).isEqualTo(ws.deployment());

        String secret = CONFIG.workspace(name, "secret");
        JsonNode externalSecret = ws.externalSecretWriting(secret);
        assertThat(CONFIG.workspace(name, "external-secret")).isEqualTo(K8sTree.name(externalSecret));
        Map<String, String> remoteKeys = cloud.angryninja.keeper.manifests.ExternalSecretKeys.remoteKeys(externalSecret);
        assertThat(remoteKeys).as("keys of Secret %s", secret).containsKey(CONFIG.workspace(name, "secret-key"));
        assertThat(CONFIG.workspace(name, "doppler-secret")).as("the Doppler variable ESO copies into %s", secret)
                .isEqualTo(remoteKeys.get(CONFIG.workspace(name, "secret-key")));
    }

    /**
     * The workspace's report-credential sidecar calls the keeper's Service by its cluster DNS name and port, as the
     * workspace the keeper's config names, with the token from the Secret and key the keeper reads it from.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("workspaces")
    void theWorkspaceReportsToTheKeepersServiceWithTheTokenTheKeeperReads(String name) {
        Workspace ws = Workspace.of(name);
        JsonNode controller = ws.values().path("controllers").elements().next();
        JsonNode reporter = controller.path("initContainers").path("report-credential");
        assertThat(reporter.path("restartPolicy").asText()).isEqualTo("Always");
        Workspace keeper = new Workspace(KEEPER_KS, KEEPER);
        assertThat(reporter.path("env").path("KEEPER_URL").asText()).as("the keeper's Service")
                .isEqualTo("http://" + keeper.serviceName() + "." + KEEPER_KS.targetNamespace() + ".svc.cluster.local:" + keeper.servicePort());
        assertThat(reporter.path("env").path("WORKSPACE_NAME").asText()).isEqualTo(name);
        JsonNode tokenVolume = ws.values().path("persistence").properties().stream().map(Map.Entry::getValue)
                .filter(v -> v.path("advancedMounts").path(controllerName(ws)).has("report-credential") && v.path("type").asText().equals("secret"))
                .findFirst().orElseThrow();
        assertThat(tokenVolume.path("name").asText()).isEqualTo(CONFIG.workspace(name, "report-token-secret"));
        assertThat(tokenVolume.path("items").get(0).path("key").asText()).isEqualTo(CONFIG.workspace(name, "report-token-key"));
        assertThat(reporter.path("env").path("REPORT_TOKEN_FILE").asText())
                .isEqualTo(tokenVolume.path("advancedMounts").path(controllerName(ws)).path("report-credential").get(0).path("path").asText()
                        + "/" + tokenVolume.path("items").get(0).path("path").asText());
    }

    private static String controllerName(Workspace ws) {
        return Yaml.fieldNames(ws.values().path("controllers")).getFirst();
    }

    /** The keeper calls the workspace's Service by its cluster DNS name, on its port, with the server's own password. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("workspaces")
    void theKeeperReachesTheWorkspaceServiceWithItsPassword(String name) {
        Workspace ws = Workspace.of(name);
        URI url = URI.create(CONFIG.workspace(name, "url"));
        assertThat(url.getScheme()).isEqualTo("http");
        assertThat(url.getHost()).isEqualTo(ws.serviceName() + "." + ws.namespace() + ".svc.cluster.local");
        assertThat(url.getPort()).as("port of Service %s", ws.serviceName()).isEqualTo(ws.servicePort());
        assertThat(ws.service().path("controller").asText()).as("the Service selects the workspace's pods")
                .isEqualTo(Yaml.fieldNames(ws.values().path("controllers")).getFirst());

        assertThat(CONFIG.workspace(name, "username")).isEqualTo(OpenCodeProcess.USERNAME);
        // The server reads OPENCODE_SERVER_PASSWORD from its Secret, which its ExternalSecret fills from one Doppler name;
        // the keeper's own ExternalSecret finds the same Doppler name, which is the variable its config reads.
        String variable = KeeperConfig.variable(CONFIG.workspace(name, "password"));
        JsonNode serverEnv = ws.serverPasswordRef();
        assertThat(serverEnv.path("name").asText()).as("the server's password, in the workspace's own Secret").isEqualTo(ws.ownSecret());
        String doppler = cloud.angryninja.keeper.manifests.ExternalSecretKeys.remoteKeys(ws.externalSecretWriting(ws.ownSecret()))
                .get(serverEnv.path("key").asText());
        assertThat(doppler).as("the Doppler name of %s's server password", name).isNotBlank();
        JsonNode keeperSecret = K8sTree.single(KEEPER, "ExternalSecret");
        assertThat(keeperSecret.path("spec").path("dataFrom").findValuesAsText("path")).as("what the keeper's Secret finds").contains(doppler);
        assertThat(variable).as("the variable the keeper's config reads for %s", name).isEqualTo(doppler);
        assertThat(K8sTree.name(keeperSecret)).isNotEqualTo(K8sTree.name(ws.externalSecretWriting(ws.ownSecret())));
    }

    /**
     * The Role names exactly the workspaces' objects, as their builds name them, each with its verbs: the
     * credential's ExternalSecret and Secret and the Deployment for a reseed (with the informers' list and
     * watch), and the workspace's own Secret for a get of its report token alone.
     */
    @Test
    void theRoleNamesExactlyTheWorkspacesObjects() {
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String name : workspaces()) {
            Workspace ws = Workspace.of(name);
            JsonNode es = ws.externalSecretWriting(CONFIG.workspace(name, "secret"));
            expected.put("deployments " + ws.deployment(), Set.of("get", "patch", "list", "watch"));
            expected.put("externalsecrets " + K8sTree.name(es), Set.of("get", "patch", "list", "watch"));
            expected.put("secrets " + es.path("spec").path("target").path("name").asText(), Set.of("get", "list", "watch"));
            assertThat(ws.ownSecret()).isNotEqualTo(CONFIG.workspace(name, "secret"));
            expected.put("secrets " + ws.ownSecret(), Set.of("get"));
        }
        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode rule : K8sTree.single(KEEPER, "Role").path("rules")) {
            for (String resource : Yaml.texts(rule.path("resources"))) {
                for (String object : Yaml.texts(rule.path("resourceNames"))) {
                    granted.computeIfAbsent(resource + " " + object, r -> new TreeSet<>()).addAll(Yaml.texts(rule.path("verbs")));
                }
            }
        }
        assertThat(granted).containsExactlyInAnyOrderEntriesOf(expected);
    }

    /**
     * The keeper writes the credentials to the Doppler project and config the workspaces' credential
     * ExternalSecrets read them from (through the namespace's SecretStore), under the names they read.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("workspaces")
    void theKeeperWritesWhereTheCredentialIsReadFrom(String name) {
        Workspace ws = Workspace.of(name);
        JsonNode es = ws.externalSecretWriting(CONFIG.workspace(name, "secret"));
        JsonNode ref = es.path("spec").path("secretStoreRef");
        assertThat(ref.path("kind").asText()).isEqualTo("SecretStore");
        List<JsonNode> stores = K8sTree.build(K8sTree.app(K8sTree.STORES));
        assertThat(K8sTree.fluxKustomization(K8sTree.STORES).targetNamespace()).isEqualTo(ws.namespace());
        JsonNode doppler = K8sTree.named(stores, "SecretStore", ref.path("name").asText()).path("spec").path("provider").path("doppler");
        assertThat(CONFIG.get("keeper.doppler.project")).isEqualTo(doppler.path("project").asText()).isNotBlank();
        assertThat(CONFIG.get("keeper.doppler.config")).isEqualTo(doppler.path("config").asText()).isNotBlank();
        assertThat(doppler.path("project").asText()).as("not the cluster's Doppler project of every other secret")
                .isNotEqualTo("k3s-cluster");
        assertThat(ws.dependsOnStores()).isTrue();
    }

    /** Same apiVersion, namespace, source, path layout, target namespace, pruning, labels and APP as the workspaces. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("workspaces")
    void theKeepersFluxKustomizationFollowsTheWorkspacesConventions(String name) {
        K8sTree.FluxKustomization ws = K8sTree.fluxKustomization(name);
        for (K8sTree.FluxKustomization ks : List.of(ws, KEEPER_KS, K8sTree.fluxKustomization(K8sTree.STORES))) {
            assertThat(ks.spec().path("path").asText()).isEqualTo("./kubernetes/apps/opencode/" + ks.name() + "/app");
            assertThat(ks.spec().path("commonMetadata").path("labels").path("app.kubernetes.io/name").asText()).isEqualTo(ks.name());
            assertThat(ks.substitute()).containsEntry("APP", ks.name());
        }
        JsonNode keeper = KEEPER_KS.manifest();
        assertThat(keeper.path("apiVersion")).isEqualTo(ws.manifest().path("apiVersion"));
        assertThat(keeper.path("metadata").path("namespace")).isEqualTo(ws.manifest().path("metadata").path("namespace"));
        assertThat(KEEPER_KS.spec().path("sourceRef")).isEqualTo(ws.spec().path("sourceRef"));
        assertThat(KEEPER_KS.targetNamespace()).isEqualTo(ws.targetNamespace());
        assertThat(KEEPER_KS.spec().path("prune")).isEqualTo(ws.spec().path("prune"));
        assertThat(KEEPER_KS.spec().path("wait")).isEqualTo(ws.spec().path("wait"));
        // The keeper stands alone: it must deploy and report while the workspace it repairs is broken or missing.
        assertThat(ws.dependsOn()).contains("external-secrets-stores");
        assertThat(KEEPER_KS.dependsOn()).contains("external-secrets-stores").doesNotContain(name);
        assertThat(Yaml.texts(Yaml.read(K8sTree.k8s().resolve("apps/opencode/kustomization.yaml")).path("resources")))
                .contains("./" + name + "/ks.yaml", "./" + K8sTree.KEEPER + "/ks.yaml", "./" + K8sTree.STORES + "/ks.yaml");
    }
}
