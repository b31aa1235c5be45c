package cloud.angryninja.keeper.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/** How a Deployment's label and annotations declare a workspace. */
@Tier.Unit
class WorkspaceLabelsTest {

    static final String P = WorkspaceLabels.PREFIX;

    private static WorkspaceLabels.Reading read(String label, Map<String, String> annotations) {
        Map<String, String> labels = new HashMap<>();
        if (label != null) {
            labels.put(WorkspaceLabels.WORKSPACE, label);
        }
        return WorkspaceLabels.read("opencode", "opencode-lab", labels, annotations);
    }

    @Test
    void trueMeansTheDeploymentsNameAndEveryFieldDefaults() {
        WorkspaceLabels.Declared d = read("true", Map.of()).declared().orElseThrow();

        assertThat(d.withoutPassword()).isEqualTo(new Workspace("opencode-lab", URI.create("http://opencode-lab.opencode:4096"),
                "opencode", Optional.empty(), "opencode", "opencode-lab", "opencode-lab-copilot", "opencode-lab-copilot", "COPILOT_AUTH_JSON",
                "OPENCODE_LAB_COPILOT_AUTH_JSON", "opencode-lab-secret", "KEEPER_REPORT_TOKEN"));
        assertThat(d.passwordSecret()).isEqualTo("opencode-lab-secret");
        assertThat(d.passwordKey()).isEqualTo("OPENCODE_SERVER_PASSWORD");
        assertThat(d.withPassword(Optional.of("pw")).password()).contains("pw");
    }

    @Test
    void aLabelValueIsTheWorkspaceNameAndAnnotationsOverride() {
        WorkspaceLabels.Declared d = read("lab", Map.ofEntries(
                Map.entry(P + "url", "https://lab.example.org/oc"),
                Map.entry(P + "username", "me"),
                Map.entry(P + "password-secret", "lab-server"),
                Map.entry(P + "password-key", "PW"),
                Map.entry(P + "secret", "lab-auth"),
                Map.entry(P + "secret-key", "auth.json"),
                Map.entry(P + "external-secret", "lab-es"),
                Map.entry(P + "doppler-secret", "LAB_AUTH"),
                Map.entry(P + "report-token-secret", "lab-reporter"),
                Map.entry(P + "report-token-key", "TOKEN"),
                Map.entry("reloader.stakater.com/auto", "true"))).declared().orElseThrow();

        assertThat(d.withoutPassword()).isEqualTo(new Workspace("lab", URI.create("https://lab.example.org/oc"), "me", Optional.empty(),
                "opencode", "opencode-lab", "lab-es", "lab-auth", "auth.json", "LAB_AUTH", "lab-reporter", "TOKEN"));
        assertThat(d.passwordSecret()).isEqualTo("lab-server");
        assertThat(d.passwordKey()).isEqualTo("PW");
    }

    @Test
    void thePasswordSecretDefaultsToNameSecretNotTheCredentialsSecret() {
        WorkspaceLabels.Declared d = read("lab", Map.of(P + "secret", "lab-auth")).declared().orElseThrow();
        assertThat(d.passwordSecret()).isEqualTo("lab-secret");
    }

    @Test
    void aPasswordInAnAnnotationIsRefused() {
        WorkspaceLabels.Reading r = read("lab", Map.of(P + "password", "hunter2"));

        assertThat(r.declared()).isEmpty();
        assertThat(r.problem()).isEqualTo("deployment opencode/opencode-lab: annotation " + P + "password is refused: the password"
                + " never goes in an annotation; name the Secret that holds it with " + P + "password-secret and " + P + "password-key");
        assertThat(r.problem()).doesNotContain("hunter2");
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThat(read(null, Map.of()).problem()).isEqualTo("deployment opencode/opencode-lab has no label " + WorkspaceLabels.WORKSPACE);
        assertThat(read("Not_A_Name", Map.of()).problem()).contains("label " + WorkspaceLabels.WORKSPACE + "=Not_A_Name is not a workspace name");
        assertThat(read("lab", Map.of(P + "secrte", "x")).problem()).contains("unknown annotation " + P + "secrte (fields: url, username,");
        assertThat(read("lab", Map.of(P + "namespace", "x")).problem()).as("the namespace is the Deployment's own")
                .contains("unknown annotation " + P + "namespace");
        assertThat(read("lab", Map.of(P + "url", "ftp://x")).problem()).endsWith("url is not an absolute http(s) URL with a host and no user info");
        assertThat(read("lab", Map.of(P + "url", "http://user:pw@x:4096")).problem()).endsWith("with a host and no user info");
        assertThat(read("lab", Map.of(P + "secret", " ")).problem()).endsWith("annotation " + P + "secret is empty");
    }
}
