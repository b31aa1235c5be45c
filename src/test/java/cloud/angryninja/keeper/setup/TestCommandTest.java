package cloud.angryninja.keeper.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.sandbox.OpenCodeInstall;
import cloud.angryninja.keeper.testing.Tier;

/**
 * {@code scripts/test}, the one test command, run for real: a missing tool, when the script cannot install it (not
 * root), stops it with one line naming the Debian packages, before Maven runs; {@code .ci/run} runs exactly it. How it
 * refuses a Java older than 21 is {@link BuildOnOldJavaIT}'s (the packaged tier: it needs the old Java).
 */
@Tier.Integration
class TestCommandTest {

    static final Path SCRIPT = Repo.path("scripts/test");
    static final String JDK = System.getProperty("java.home");

    @TempDir
    Path tmp;

    @Test
    void aMissingToolItCannotInstallStopsItWithOneLineNamingThePackages() throws IOException {
        // A copy of the script in a folder with no mvnw: it must stop before Maven, or fail here on the missing wrapper.
        Path repo = Files.createDirectories(tmp.resolve("repo/scripts"));
        Files.copy(SCRIPT, repo.resolve("test"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Set<String> withheld = Set.of("yamllint", "buildah");
        for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.filter(Files::isExecutable).toList()) {
                    Path link = bin.resolve(f.getFileName());
                    if (!withheld.contains(f.getFileName().toString()) && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, f);
                    }
                }
            }
        }
        for (Path p : List.of(tmp, tmp.resolve("repo"), repo, repo.resolve("test"), bin)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // as root the script would install them: run it as nobody, who cannot
            command.addAll(List.of(Tools.require("setpriv").toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of(bin.resolve("bash").toString(), repo.resolve("test").toString()));

        Tools.Result r = Tools.run(command, tmp, Map.of("PATH", bin.toString(), "JAVA_HOME", JDK, "HOME", tmp.toString()), true,
                Duration.ofSeconds(60));

        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output().strip()).isEqualTo("scripts/test: missing yamllint buildah: install the Debian packages yamllint buildah "
                + "(as root: apt-get install --no-install-recommends yamllint buildah)");
    }

    @Test
    void ciRunsExactlyTheTestCommandWithTheOpenCodeTheTestsPin() {
        List<String> ciCommands = Repo.read(Repo.path(".ci/run")).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ciCommands).as(".ci/run").last().isEqualTo("exec scripts/test");
        assertThat(ciCommands).as(".ci/run runs no other Maven build").noneMatch(l -> l.contains("mvnw"));

        Matcher pin = Pattern.compile("(?m)^opencode_version=(\\S+)$").matcher(Repo.read(SCRIPT));
        assertThat(pin.find()).as("scripts/test pins opencode_version").isTrue();
        assertThat(pin.group(1)).as("the OpenCode scripts/test installs is the one the tests run").isEqualTo(OpenCodeInstall.VERSION);
        assertThat(Repo.read(SCRIPT)).as("the tests' tools in the package list").contains("\nyamllint yamllint\n")
                .contains("\nbuildah buildah\n").contains("\npromtool prometheus\n");
    }
}
