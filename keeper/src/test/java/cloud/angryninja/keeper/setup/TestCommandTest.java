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
import java.util.Optional;
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
 * {@code scripts/test}, the one test command, run for real (its copy, with a stand-in {@code ./mvnw} where it gets that
 * far): a missing tool, when the script cannot install it (not root), stops it with one line naming the Debian
 * packages, before Maven runs; {@code --unit} needs no tool; the flags choose the tiers and the Maven phase, every other
 * argument goes to Maven; {@code .ci/run} runs exactly it. How it refuses a Java older than 21 is
 * {@link BuildOnOldJavaIT}'s (the packaged tier: it needs the old Java).
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
        Path script = scriptCopy(false);
        Path bin = pathWithout(Set.of("yamllint", "buildah"));

        Tools.Result r = Tools.run(asNobody(bin.resolve("bash").toString(), script.toString()), tmp,
                Map.of("PATH", bin.toString(), "JAVA_HOME", JDK, "HOME", tmp.toString()), true, Duration.ofSeconds(60));

        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output().strip()).isEqualTo("scripts/test: missing yamllint buildah: install the Debian packages yamllint buildah "
                + "(as root: apt-get install --no-install-recommends yamllint buildah)");
    }

    /** The unit tier starts no tool, so {@code --unit} checks and installs none: where tools are missing it goes to Maven. */
    @Test
    void theUnitTierInstallsNothingAndRunsTheUnitTierAlone() throws IOException {
        Path script = scriptCopy(true);
        Path bin = pathWithout(Set.of("yamllint", "buildah", "kubectl", "promtool"));

        Tools.Result r = Tools.run(asNobody(bin.resolve("bash").toString(), script.toString(), "-Dtest=SomeTest", "--unit", "-o"), tmp,
                Map.of("PATH", bin.toString(), "JAVA_HOME", JDK, "HOME", tmp.toString()), true, Duration.ofSeconds(60));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).as("nothing checked or installed").isEmpty();
        assertThat(mavenCalls()).containsExactly("-B test -Dtier=unit -Dtest=SomeTest -o");
    }

    /**
     * Without a flag every tier runs ({@code verify}), after the image builders' Maven step; {@code --fast} runs the unit
     * and integration tiers ({@code test}, nothing packaged) without that step. The other arguments go to Maven, in order.
     */
    @Test
    void everyTierByDefaultAndTheUnitAndIntegrationTiersWithFast() throws IOException {
        Path script = scriptCopy(true);

        Tools.Result all = runOnThisMachine(script, "-Dtest=SomeTest", "-o");
        assertThat(all.exitCode()).as(all.output()).isZero();
        assertThat(mavenCalls()).containsExactly(
                "-B -q -pl keeper -am org.apache.maven.plugins:maven-dependency-plugin:3.8.1:resolve-plugins quarkus:go-offline",
                "-B verify -Dtest=SomeTest -o");

        Files.delete(tmp.resolve("mvnw.calls"));
        Tools.Result fast = runOnThisMachine(script, "-Dtest=SomeTest", "--fast", "-o");
        assertThat(fast.exitCode()).as(fast.output()).isZero();
        assertThat(mavenCalls()).containsExactly("-B test -Dtier=unit,integration -Dtest=SomeTest -o");
    }

    @Test
    void helpPrintsTheUsageAndTheTierFlagsAreExclusive() throws IOException {
        Path script = scriptCopy(true);

        Tools.Result help = Tools.run(List.of("bash", script.toString(), "--help"), tmp, Map.of(), true, Duration.ofSeconds(30));
        assertThat(help.exitCode()).as(help.output()).isZero();
        assertThat(help.output()).contains("usage: scripts/test [--fast | --unit] [MAVEN ARGUMENTS]...")
                .contains("--fast   the unit and integration tiers").contains("--unit   the unit tier alone").doesNotContain("#");

        Tools.Result both = Tools.run(List.of("bash", script.toString(), "--fast", "--unit"), tmp, Map.of(), true, Duration.ofSeconds(30));
        assertThat(both.exitCode()).isEqualTo(1);
        assertThat(both.output().strip()).isEqualTo("scripts/test: --fast and --unit are exclusive: give one");
        assertThat(tmp.resolve("mvnw.calls")).doesNotExist();
    }

    /**
     * A copy of the script in {@code tmp/repo/scripts}; with {@code mvnw}, a stand-in {@code tmp/repo/mvnw} that writes
     * the arguments of each call, one line each, to {@code tmp/mvnw.calls}.
     */
    private Path scriptCopy(boolean mvnw) throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("repo/scripts")).getParent();
        Path script = Files.copy(SCRIPT, repo.resolve("scripts/test"));
        List<Path> open = new ArrayList<>(List.of(tmp, repo, repo.resolve("scripts"), script));
        if (mvnw) {
            Path calls = tmp.resolve("mvnw.calls");
            open.add(Files.writeString(repo.resolve("mvnw"), "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + calls + "'\n"));
        }
        for (Path p : open) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        return script;
    }

    private List<String> mavenCalls() throws IOException {
        return Files.readAllLines(tmp.resolve("mvnw.calls"));
    }

    /** A PATH folder in tmp with a link to every command of this machine but {@code withheld}. */
    private Path pathWithout(Set<String> withheld) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
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
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    /** The command, run as nobody when this is root: as root the script would install what is missing. */
    private static List<String> asNobody(String... command) {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of(Tools.require("setpriv").toString(), "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        full.addAll(List.of(command));
        return full;
    }

    /** The script with this machine's tools, OpenCode cache and JDK: it installs nothing where the tests have run. */
    private Tools.Result runOnThisMachine(Path script, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", System.getenv("PATH"), "JAVA_HOME", JDK,
                "HOME", System.getProperty("user.home")));
        Optional.ofNullable(System.getenv("XDG_CACHE_HOME")).ifPresent(cache -> env.put("XDG_CACHE_HOME", cache));
        return Tools.run(command, tmp, env, true, Duration.ofSeconds(120));
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
