package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.FluxSubstitution;
import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

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
@Tier.Integration
class KustomizeBuildTest {

    static List<Path> kustomizations() {
        List<Path> dirs = K8sTree.kustomizationDirs();
        assertThat(dirs).as("kustomizations under k8s/").isNotEmpty();
        return dirs;
    }

    /**
     * Flux leaves a resource labelled or annotated {@code substitute: disabled} exactly as built (its
     * {@code ${...}} belong to someone else, e.g. the keeper's config or Grafana); such a resource
     * must then hold no reference to a variable its ks.yaml provides, which would silently stay
     * unsubstituted. Every other resource is left with no {@code ${...}} at all.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void buildsAndSubstitutesCompletely(Path dir) {
        List<JsonNode> resources = K8sTree.build(dir);
        List<JsonNode> asBuilt = Yaml.readAll(K8sTree.kustomize(dir));
        Set<String> provided = K8sTree.fluxKustomizationOf(dir).map(ks -> ks.substitute().keySet()).orElse(Set.of());

        assertThat(resources).as("resources built from %s", dir).isNotEmpty().hasSameSizeAs(asBuilt);
        for (int i = 0; i < resources.size(); i++) {
            JsonNode r = resources.get(i);
            if (FluxSubstitution.isDisabled(r)) {
                assertThat(r).as("%s, substitution disabled, as built", K8sTree.id(r)).isEqualTo(asBuilt.get(i));
                assertThat(FluxSubstitution.references(r.toString())).as("ks.yaml variables in %s", K8sTree.id(r))
                        .doesNotContainAnyElementsOf(provided);
            } else {
                assertThat(r.toString()).as(K8sTree.id(r)).doesNotContain("${");
            }
        }
    }

    @Test
    void everyWorkspaceAppIsBuiltWithItsOwnKsValues() {
        assertThat(K8sTree.fluxKustomizations()).extracting(K8sTree.FluxKustomization::name)
                .containsExactly("opencode-flux", "opencode-ha", "opencode-keeper", K8sTree.STORES);
        for (K8sTree.FluxKustomization ks : K8sTree.fluxKustomizations()) {
            assertThat(ks.path()).as("spec.path of %s", ks.file()).isDirectory();
            assertThat(ks.path().resolve("kustomization.yaml")).exists();
        }
        for (String app : K8sTree.WORKSPACES) {
            K8sTree.FluxKustomization ks = K8sTree.fluxKustomizationOf(K8sTree.app(app)).orElseThrow();
            assertThat(ks.substitute()).containsEntry("APP", app).containsEntry("VOLSYNC_CAPACITY", "5Gi").containsKey("VOLSYNC_SCHEDULE");
        }
    }
}
