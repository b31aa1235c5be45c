package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Tier;

/** shellcheck passes on every shell script under k8s/ and scripts/. A missing shellcheck fails the test. */
@Tier.Integration
class ShellcheckTest {

    @Test
    void everyShellScriptPassesShellcheck() throws IOException {
        Path shellcheck = Tools.require("shellcheck");
        List<Path> scripts = new ArrayList<>();
        for (String dir : List.of("k8s", "scripts")) {
            Path root = Repo.root().resolve(dir);
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(Files::isRegularFile).filter(ShellcheckTest::isShellScript).forEach(scripts::add);
                }
            }
        }
        assertThat(scripts).as("shell scripts found").extracting(p -> p.getFileName().toString())
                .contains("init-workspace.sh", "report-credential.sh");

        for (Path script : scripts) {
            Tools.Result r = Tools.run(List.of(shellcheck.toString(), "--severity=style", script.toString()), null, Map.of(), false,
                    Duration.ofSeconds(60));
            assertThat(r.exitCode()).as("shellcheck %s:\n%s", Repo.root().relativize(script), r.output()).isZero();
        }
    }

    /** The workspace server container's start line (its {@code sh -c} script in the built HelmRelease) passes too. */
    @Test
    void theServerContainersStartScriptPassesShellcheck(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path shellcheck = Tools.require("shellcheck");
        for (String app : cloud.angryninja.keeper.manifests.K8sTree.WORKSPACES) {
            List<String> command = cloud.angryninja.keeper.manifests.Yaml.texts(new WorkspacePod(app).mainContainer().path("command"));
            assertThat(command.subList(0, 2)).containsExactly("/bin/sh", "-c");
            Path script = dir.resolve(app + "-start.sh");
            Files.writeString(script, "#!/bin/sh\n" + command.get(2) + "\n");
            Tools.Result r = Tools.run(List.of(shellcheck.toString(), "--severity=style", script.toString()), null, Map.of(), false,
                    Duration.ofSeconds(60));
            assertThat(r.exitCode()).as("shellcheck of %s's start script:\n%s", app, r.output()).isZero();
        }
    }

    private static boolean isShellScript(Path file) {
        if (file.getFileName().toString().endsWith(".sh")) {
            return true;
        }
        try (var lines = Files.lines(file)) {
            return lines.findFirst().map(l -> l.startsWith("#!") && l.matches("#!.*\\b(sh|bash|ash|dash)\\b.*")).orElse(false);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
