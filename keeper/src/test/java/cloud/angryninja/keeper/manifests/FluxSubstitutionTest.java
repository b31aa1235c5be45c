package cloud.angryninja.keeper.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/** The test's Flux substitution follows kustomize-controller's rules, opt-outs included. */
@Tier.Unit
class FluxSubstitutionTest {

    static final Map<String, String> VARS = Map.of("APP", "opencode-flux", "EMPTY", "");

    @Test
    void substitutionFollowsFluxRules() {
        assertThat(FluxSubstitution.substitute("name: ${APP}-secret", VARS)).isEqualTo("name: opencode-flux-secret");
        assertThat(FluxSubstitution.substitute("a: ${MISSING:-x} b: ${EMPTY:=y} c: ${EMPTY-z}", VARS)).isEqualTo("a: x b: y c: ");
        assertThat(FluxSubstitution.substitute("literal: $${APP} and $APP", VARS)).isEqualTo("literal: ${APP} and $APP");
        assertThatThrownBy(() -> FluxSubstitution.substitute("x: ${MISSING}", VARS)).hasMessageContaining("MISSING");
        assertThatThrownBy(() -> FluxSubstitution.substitute("x: ${1%/*}", VARS)).hasMessageContaining("unsupported");
        assertThatThrownBy(() -> FluxSubstitution.substitute("x: ${APP", VARS)).hasMessageContaining("unsupported");
    }

    /** The forms the cluster's own files use: nested defaults (templates/volsync) and replacement (certificates). */
    @Test
    void nestedDefaultsAndReplacementAsTheClusterWritesThem() {
        Map<String, String> vars = Map.of("APP", "opencode-ha", "SECRET_DOMAIN", "dropin.example.test");
        assertThat(FluxSubstitution.substitute("name: \"${VOLSYNC_CLAIM:-${APP}}\"", vars)).isEqualTo("name: \"opencode-ha\"");
        assertThat(FluxSubstitution.substitute("${VOLSYNC_CLAIM:-${APP}-x}", Map.of("VOLSYNC_CLAIM", "c", "APP", "a"))).isEqualTo("c");
        assertThat(FluxSubstitution.substitute("${SECRET_DOMAIN/./-}-tls", vars)).isEqualTo("dropin-example.test-tls");
        assertThat(FluxSubstitution.substitute("${SECRET_DOMAIN//./-}", vars)).isEqualTo("dropin-example-test");
        assertThatThrownBy(() -> FluxSubstitution.substitute("${MISSING/./-}", vars)).hasMessageContaining("MISSING");
        assertThat(FluxSubstitution.substitute("a: ${MISSING}", vars, false)).as("Flux without strict substitution").isEqualTo("a: ");
    }

    /** kustomize-controller skips a resource whose label or annotation says substitute: disabled, and only then. */
    @Test
    void aResourceLabelledOrAnnotatedDisabledIsLeftAsBuilt() {
        String built = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: annotated
                  annotations:
                    kustomize.toolkit.fluxcd.io/substitute: disabled
                data:
                  x: ${KEEP}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: labelled
                  labels:
                    kustomize.toolkit.fluxcd.io/substitute: disabled
                data:
                  x: ${KEEP}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ${APP}
                  annotations:
                    kustomize.toolkit.fluxcd.io/substitute: enabled
                """;
        List<String> docs = FluxSubstitution.substituteBuild(built, VARS);

        assertThat(docs).hasSize(3);
        assertThat(docs.get(0)).contains("x: ${KEEP}");
        assertThat(docs.get(1)).contains("x: ${KEEP}");
        assertThat(docs.get(2)).contains("name: opencode-flux");
        assertThatThrownBy(() -> FluxSubstitution.substituteBuild(built.replace(": disabled", ": no"), VARS))
                .hasMessageContaining("KEEP");
    }

    @Test
    void referencesAreTheVariablesNamedEscapesExcluded() {
        assertThat(FluxSubstitution.references("a: ${APP} b: ${X:-1} c: $${ESCAPED} d: $PLAIN ${DS_PROMETHEUS}"))
                .containsExactly("APP", "DS_PROMETHEUS", "X");
    }
}
