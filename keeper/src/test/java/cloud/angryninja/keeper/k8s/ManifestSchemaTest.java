package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.ManifestSchemas;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Every manifest Flux would apply from k8s/ validates against a JSON schema, all vendored in
 * src/test/resources/schemas: the CRDs' of the exact versions the cluster runs, the bjw-s common
 * 4.1.1 values schema for HelmRelease values, and the core kinds' written here.
 */
@Tier.Integration
class ManifestSchemaTest {

    static ManifestSchemas schemas;

    @BeforeAll
    static void loadSchemas() {
        schemas = new ManifestSchemas();
    }

    static List<Path> kustomizations() {
        return K8sTree.kustomizationDirs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void everyBuiltManifestValidates(Path dir) {
        List<String> errors = new ArrayList<>();
        for (JsonNode resource : K8sTree.build(dir)) {
            schemas.validate(resource).forEach(e -> errors.add(resource.path("kind").asText() + "/" + K8sTree.name(resource) + ": " + e));
        }
        assertThat(errors).as("schema violations in %s", dir).isEmpty();
    }

    @Test
    void everyKindOfTheTreeHasASchema() {
        List<String> kinds = K8sTree.kustomizationDirs().stream().flatMap(d -> K8sTree.build(d).stream())
                .map(r -> r.path("apiVersion").asText() + " " + r.path("kind").asText()).distinct().sorted().toList();
        assertThat(kinds).contains("helm.toolkit.fluxcd.io/v2 HelmRelease", "external-secrets.io/v1 ExternalSecret",
                "external-secrets.io/v1 SecretStore",
                "source.toolkit.fluxcd.io/v1 OCIRepository",
                "kustomize.toolkit.fluxcd.io/v1 Kustomization",
                "volsync.backube/v1alpha1 ReplicationSource", "volsync.backube/v1alpha1 ReplicationDestination", "monitoring.coreos.com/v1 PrometheusRule",
                "v1 Namespace", "v1 ConfigMap", "v1 PersistentVolumeClaim", "v1 ServiceAccount",
                "rbac.authorization.k8s.io/v1 Role", "rbac.authorization.k8s.io/v1 RoleBinding");
        for (String kind : kinds) {
            JsonNode stub = Yaml.read("apiVersion: " + kind.split(" ")[0] + "\nkind: " + kind.split(" ")[1] + "\n");
            assertThat(schemas.schemaFile(stub)).as("schema of %s", kind).isRegularFile();
        }
    }

    /** The cluster's Gateway and certificates after the adoption patch (docs/adopt/). */
    @Test
    void thePatchedGatewayAndTheCertificateValidate() {
        JsonNode gateway = K8sTree.named(DropInTest.built("envoy-gateway"), "Gateway", "envoy-internal");
        assertThat(schemas.validate(gateway)).isEmpty();
        for (JsonNode cert : K8sTree.all(DropInTest.built("certificates-import"), "Certificate")) {
            assertThat(schemas.validate(cert)).as(K8sTree.id(cert)).isEmpty();
        }
    }

    @Test
    void theValidatorRejectsWhatTheSchemasForbid() {
        JsonNode policy = Yaml.read("""
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: BackendTrafficPolicy
                metadata:
                  name: opencode-keeper
                spec:
                  targetRefs:
                    - group: gateway.networking.k8s.io
                      kind: HTTPRoute
                      name: opencode-keeper
                  timeout:
                    http:
                      requestTimeout: 0s
                      connectionIdleTimeout: 3600s
                """);
        assertThat(schemas.validate(policy)).isEmpty();
        ObjectNode broken = policy.deepCopy();
        ((ObjectNode) broken.path("spec").path("timeout").path("http")).put("requestTimeout", 5);
        assertThat(schemas.validate(broken)).isNotEmpty();
        ObjectNode later = policy.deepCopy();
        ((ObjectNode) later.path("spec").path("timeout").path("http")).put("streamIdleTimeout", "900s");
        assertThat(schemas.validate(later)).as("streamIdleTimeout is not a BackendTrafficPolicy field in Envoy Gateway 1.7.1").isNotEmpty();

        JsonNode release = K8sTree.single(K8sTree.build(K8sTree.app("opencode-flux")), "HelmRelease");
        ObjectNode values = release.path("spec").path("values").deepCopy();
        ((ObjectNode) values.path("persistence").path("data")).put("existingClaim", 42);
        assertThat(schemas.validateAppTemplateValues(values)).isNotEmpty();
        ObjectNode unknown = release.path("spec").path("values").deepCopy();
        ((ObjectNode) unknown.path("controllers").path("opencode").path("containers").path("app")).put("workDir", "/x");
        assertThat(schemas.validateAppTemplateValues(unknown)).isNotEmpty();

        assertThat(schemas.validate(Yaml.read("apiVersion: example.com/v1\nkind: Nothing\n"))).singleElement()
                .asString().contains("no schema");
    }

    /** The core kinds' schemas refuse what the API server refuses, and what would make RBAC or storage silently wrong. */
    @Test
    void theCoreKindSchemasRejectIncompleteObjects() {
        List<JsonNode> keeper = K8sTree.build(K8sTree.keeperApp());
        JsonNode role = K8sTree.single(keeper, "Role");
        JsonNode binding = K8sTree.single(keeper, "RoleBinding");
        JsonNode account = K8sTree.single(keeper, "ServiceAccount");
        assertThat(schemas.validate(role)).isEmpty();
        assertThat(schemas.validate(binding)).isEmpty();
        assertThat(schemas.validate(account)).isEmpty();

        for (String field : List.of("apiGroups", "resources", "verbs")) {
            ObjectNode broken = role.deepCopy();
            ((ObjectNode) broken.path("rules").get(0)).remove(field);
            assertThat(schemas.validate(broken)).as("Role rule without %s", field).isNotEmpty();
        }
        ObjectNode emptyVerbs = role.deepCopy();
        ((ObjectNode) emptyVerbs.path("rules").get(0)).putArray("verbs");
        assertThat(schemas.validate(emptyVerbs)).as("Role rule with no verbs").isNotEmpty();
        ObjectNode unknownVerb = role.deepCopy();
        ((ObjectNode) unknownVerb.path("rules").get(0)).putArray("verbs").add("read");
        assertThat(schemas.validate(unknownVerb)).as("Role rule with an unknown verb").isNotEmpty();
        ObjectNode nonResource = role.deepCopy();
        ((ObjectNode) nonResource.path("rules").get(0)).putArray("nonResourceURLs").add("/healthz");
        assertThat(schemas.validate(nonResource)).as("Role rule with nonResourceURLs").isNotEmpty();

        ObjectNode noRoleName = binding.deepCopy();
        ((ObjectNode) noRoleName.path("roleRef")).remove("name");
        assertThat(schemas.validate(noRoleName)).as("RoleBinding roleRef without name").isNotEmpty();
        ObjectNode wrongGroup = binding.deepCopy();
        ((ObjectNode) wrongGroup.path("roleRef")).put("apiGroup", "rbac");
        assertThat(schemas.validate(wrongGroup)).as("RoleBinding roleRef in the wrong group").isNotEmpty();
        ObjectNode noSubjects = binding.deepCopy();
        noSubjects.putArray("subjects");
        assertThat(schemas.validate(noSubjects)).as("RoleBinding without subjects").isNotEmpty();
        ObjectNode subjectGroup = binding.deepCopy();
        ((ObjectNode) subjectGroup.path("subjects").get(0)).put("apiGroup", "rbac.authorization.k8s.io");
        assertThat(schemas.validate(subjectGroup)).as("ServiceAccount subject in the RBAC group").isNotEmpty();
        ObjectNode subjectName = binding.deepCopy();
        ((ObjectNode) subjectName.path("subjects").get(0)).remove("name");
        assertThat(schemas.validate(subjectName)).as("subject without name").isNotEmpty();

        ObjectNode typo = account.deepCopy();
        typo.put("automountServiceAccountTokens", false);
        assertThat(schemas.validate(typo)).as("ServiceAccount with an unknown field").isNotEmpty();
        ObjectNode numericLabel = account.deepCopy();
        numericLabel.with("metadata").with("labels").put("tier", 1);
        assertThat(schemas.validate(numericLabel)).as("label value that is no string").isNotEmpty();
        ObjectNode noName = account.deepCopy();
        ((ObjectNode) noName.path("metadata")).remove("name");
        assertThat(schemas.validate(noName)).as("object without metadata.name").isNotEmpty();

        JsonNode pvc = K8sTree.single(K8sTree.build(K8sTree.app("opencode-flux")), "PersistentVolumeClaim");
        assertThat(schemas.validate(pvc)).isEmpty();
        ObjectNode noModes = pvc.deepCopy();
        ((ObjectNode) noModes.path("spec")).remove("accessModes");
        assertThat(schemas.validate(noModes)).as("PVC without accessModes").isNotEmpty();
        ObjectNode numericStorage = pvc.deepCopy();
        ((ObjectNode) numericStorage.path("spec").path("resources").path("requests")).put("storage", 5);
        assertThat(schemas.validate(numericStorage)).as("PVC storage that is no quantity string").isNotEmpty();
        ObjectNode unknownSpec = pvc.deepCopy();
        ((ObjectNode) unknownSpec.path("spec")).put("storageClass", "ceph-block");
        assertThat(schemas.validate(unknownSpec)).as("PVC with an unknown spec field").isNotEmpty();

        JsonNode config = K8sTree.named(keeper, "ConfigMap", "opencode-keeper-config");
        assertThat(schemas.validate(config)).isEmpty();
        ObjectNode numericData = config.deepCopy();
        ((ObjectNode) numericData.path("data")).put("port", 8080);
        assertThat(schemas.validate(numericData)).as("ConfigMap data that is no string").isNotEmpty();
    }
}
