package cloud.angryninja.keeper.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The JDK check of the build, run for real on this machine's Java older than 21 ({@link OldJava}): {@code scripts/test},
 * Maven Enforcer and dev mode each refuse it with one line, before anything is compiled. The packaged jar's own check
 * is {@link PackagedJarOnOldJavaIT}'s.
 */
@Tier.Packaged
class BuildOnOldJavaIT {

    static final Path SCRIPT = TestCommandTest.SCRIPT;

    @TempDir
    Path tmp;

    @Test
    void aJavaOlderThan21StopsTheScriptWithOneLine() {
        OldJava.Jvm old = OldJava.require();

        Tools.Result r = Tools.run(List.of("bash", SCRIPT.toString()), tmp, Map.of("JAVA_HOME", old.home().toString()), true,
                Duration.ofSeconds(60));

        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output().strip()).isEqualTo("scripts/test: JDK 21 or newer needed, " + old.home() + "/bin/java is Java "
                + old.feature() + "; set JAVA_HOME to a JDK 21+");
    }

    @Test
    void mavenEnforcerStopsABuildOnAJavaOlderThan21() {
        OldJava.Jvm old = OldJava.require();

        Tools.Result r = Tools.run(List.of(Repo.path("mvnw").toString(), "-B", "-q", "-o", "validate"), Repo.root(),
                Map.of("JAVA_HOME", old.home().toString(), "HOME", System.getProperty("user.home")), true, Duration.ofSeconds(180));

        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("opencode-keeper needs JDK 21 or newer to build; this is Java " + old.feature())
                .contains(old.home() + ": set JAVA_HOME to a JDK 21+")
                .doesNotContain("release version 21 not supported");
    }

    @Test
    void devModeOnAJavaOlderThan21StopsWithTheSameLineBeforeCompiling() {
        OldJava.Jvm old = OldJava.require();

        Tools.Result r = Tools.run(List.of(Repo.path("mvnw").toString(), "-B", "-o", "quarkus:dev", "-Dquarkus.console.enabled=false"),
                Repo.root(), Map.of("JAVA_HOME", old.home().toString(), "HOME", System.getProperty("user.home")), true,
                Duration.ofSeconds(180));

        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("opencode-keeper needs JDK 21 or newer to build; this is Java " + old.feature())
                .doesNotContain("release version 21 not supported").doesNotContain("Compiling");
    }
}
