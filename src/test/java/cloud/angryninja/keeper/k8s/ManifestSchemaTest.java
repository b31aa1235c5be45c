package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every manifest Flux would apply from k8s/ validates against the JSON schemas in shared/schemas
 * (CRDs from the datreeio catalogue, bjw-s common 4.1.1 values schema for HelmRelease values).
 * The schemas must be there: a missing folder fails the test.
 */
class ManifestSchemaTest {

    static ManifestSchemas schemas;

    @BeforeAll
    static void loadSchemas() {
        schemas = new ManifestSchemas(K8sTree.schemasDir());
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
                "source.toolkit.fluxcd.io/v1 OCIRepository", "gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy",
                "kustomize.toolkit.fluxcd.io/v1 Kustomization", "cert-manager.io/v1 Certificate",
                "volsync.backube/v1alpha1 ReplicationSource");
        for (String kind : kinds) {
            if (!kind.startsWith("v1 ")) {
                JsonNode stub = Yaml.read("apiVersion: " + kind.split(" ")[0] + "\nkind: " + kind.split(" ")[1] + "\n");
                assertThat(schemas.schemaFile(stub)).as("schema of %s", kind).isRegularFile();
            }
        }
    }

    @Test
    void theGatewayListenerPatchYieldsAValidGateway(@TempDir Path work) {
        JsonNode gateway = GatewayPatch.apply(GatewayPatch.fixture(), work);

        assertThat(schemas.validate(gateway)).isEmpty();
    }

    @Test
    void theValidatorRejectsWhatTheSchemasForbid() {
        JsonNode workspace = K8sTree.build(K8sTree.workspaceApp("opencode-flux")).stream()
                .filter(r -> r.path("kind").asText().equals("BackendTrafficPolicy")).findFirst().orElseThrow();
        ObjectNode broken = workspace.deepCopy();
        ((ObjectNode) broken.path("spec").path("timeout").path("http")).put("requestTimeout", 5);
        assertThat(schemas.validate(broken)).isNotEmpty();

        JsonNode release = K8sTree.single(K8sTree.build(K8sTree.workspaceApp("opencode-flux")), "HelmRelease");
        ObjectNode values = release.path("spec").path("values").deepCopy();
        ((ObjectNode) values.path("persistence").path("data")).put("existingClaim", 42);
        assertThat(schemas.validateAppTemplateValues(values)).isNotEmpty();
        ObjectNode unknown = release.path("spec").path("values").deepCopy();
        ((ObjectNode) unknown.path("controllers").path("opencode").path("containers").path("app")).put("workDir", "/x");
        assertThat(schemas.validateAppTemplateValues(unknown)).isNotEmpty();

        assertThat(schemas.validate(Yaml.read("apiVersion: example.com/v1\nkind: Nothing\n"))).singleElement()
                .asString().contains("no schema");
    }
}
