package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The memory limit of the workspace HelmRelease leaves room for what OpenCode really uses with a
 * session running (see {@link OpenCodeMemory}; figures in docs/runbook.md, "Memory").
 */
@Tier.Integration
class OpenCodeMemoryTest {

    @Test
    void aSessionWithAPromptStaysWellUnderTheMemoryLimit(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path root) throws Exception {
        OpenCodeMemory.Result result = OpenCodeMemory.measure(root);
        String report = result.report();
        System.out.print(report + "(server files: " + root + ")\n");
        Files.writeString(Repo.root().resolve("keeper/target/opencode-memory.txt"), report);

        assertThat(result.promptStatus()).as(report).isEqualTo(200);
        assertThat(result.promptAnswered()).as("the stand-in's answer reached the session").isTrue();
        for (String app : K8sTree.WORKSPACES) {
            WorkspacePod pod = new WorkspacePod(app);
            long limitKb = kibibytes(pod.mainContainer().path("resources").path("limits").path("memory").asText());
            long requestKb = kibibytes(pod.mainContainer().path("resources").path("requests").path("memory").asText());
            assertThat(limitKb).as("memory limit").isGreaterThanOrEqualTo(1024 * 1024);
            assertThat(result.peakRssKb()).as("peak RSS vs 75%% of the limit of %s", app).isLessThan(limitKb * 3 / 4);
            assertThat(requestKb).as("the request covers the idle server").isGreaterThanOrEqualTo(result.started().rssKb());
        }
    }

    static long kibibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024 * 1024;
        }
        if (quantity.endsWith("Mi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        throw new IllegalArgumentException("unsupported quantity " + quantity);
    }
}
