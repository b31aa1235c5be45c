package cloud.angryninja.keeper.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The test's Flux substitution follows kustomize-controller's rules, opt-outs included. */
class FluxSubstitutionTest {

    static final Map<String, String> VARS = Map.of("APP", "opencode-flux", "EMPTY", "");

    @Test
    void substitutionFollowsFluxRules() {
        assertThat(FluxSubstitution.substitute("name: ${APP}-secret", VARS)).isEqualTo("name: opencode-flux-secret");
        assertThat(FluxSubstitution.substitute("a: ${MISSING:-x} b: ${EMPTY:=y} c: ${EMPTY-z}", VARS)).isEqualTo("a: x b: y c: ");
        assertThat(FluxSubstitution.substitute("literal: $${APP} and $APP", VARS)).isEqualTo("literal: ${APP} and $APP");
        assertThatThrownBy(() -> FluxSubstitution.substitute("x: ${MISSING}", VARS)).hasMessageContaining("MISSING");
        assertThatThrownBy(() -> FluxSubstitution.substitute("x: ${1%/*}", VARS)).hasMessageContaining("unsupported");
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
