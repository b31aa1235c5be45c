package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every kustomization under k8s/ builds with {@code kubectl kustomize}, and Flux's substitution with
 * the values of the ks.yaml that points at it leaves nothing unresolved.
 *
 * <p>Done the way Flux does it: kustomize-controller builds the folder first and then substitutes
 * each resulting resource (skipping those annotated {@code substitute: disabled}). Substituting the
 * source files first would differ: generated ConfigMaps (the init script) would be substituted
 * before their content hash is computed, and comments would be substituted though kustomize drops
 * them.
 */
class KustomizeBuildTest {

    static List<Path> kustomizations() {
        List<Path> dirs = K8sTree.kustomizationDirs();
        assertThat(dirs).as("kustomizations under k8s/").isNotEmpty();
        return dirs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void buildsAndSubstitutesCompletely(Path dir) {
        List<JsonNode> resources = K8sTree.build(dir);

        assertThat(resources).as("resources built from %s", dir).isNotEmpty();
        resources.forEach(r -> assertThat(r.toString()).as("%s %s", r.path("kind").asText(), K8sTree.name(r))
                .doesNotContain("${"));
    }

    @Test
    void everyWorkspaceAppIsBuiltWithItsOwnKsValues() {
        assertThat(K8sTree.fluxKustomizations()).extracting(K8sTree.FluxKustomization::name)
                .contains("opencode-flux", "opencode-ha", "opencode-certificate");
        for (K8sTree.FluxKustomization ks : K8sTree.fluxKustomizations()) {
            assertThat(ks.path()).as("spec.path of %s", ks.file()).isDirectory();
            assertThat(ks.path().resolve("kustomization.yaml")).exists();
        }
        for (String app : K8sTree.WORKSPACES) {
            K8sTree.FluxKustomization ks = K8sTree.fluxKustomizationOf(K8sTree.workspaceApp(app)).orElseThrow();
            assertThat(ks.substitute()).containsEntry("APP", app).containsEntry("VOLSYNC_CAPACITY", "5Gi");
        }
    }

    @Test
    void substitutionFollowsFluxRules() {
        Map<String, String> vars = Map.of("APP", "opencode-flux", "EMPTY", "");
        assertThat(FluxSubstitution.substitute("name: ${APP}-secret", vars)).isEqualTo("name: opencode-flux-secret");
        assertThat(FluxSubstitution.substitute("a: ${MISSING:-x} b: ${EMPTY:=y} c: ${EMPTY-z}", vars)).isEqualTo("a: x b: y c: ");
        assertThat(FluxSubstitution.substitute("literal: $${APP} and $APP", vars)).isEqualTo("literal: ${APP} and $APP");
        assertThatThrownBy(() -> FluxSubstitution.substitute("x: ${MISSING}", vars)).hasMessageContaining("MISSING");
        assertThatThrownBy(() -> FluxSubstitution.substitute("x: ${1%/*}", vars)).hasMessageContaining("unsupported");

        String built = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n"
                + "    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  x: ${KEEP}\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}\n";
        List<String> docs = FluxSubstitution.substituteBuild(built, vars);
        assertThat(docs).hasSize(2);
        assertThat(docs.get(0)).contains("x: ${KEEP}");
        assertThat(docs.get(1)).contains("name: opencode-flux");
    }
}
