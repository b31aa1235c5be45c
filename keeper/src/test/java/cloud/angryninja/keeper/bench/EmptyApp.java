package cloud.angryninja.keeper.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import cloud.angryninja.keeper.testing.PackagedKeeper;

/**
 * The start-up benchmark's yardstick: {@code bench/empty-app}, an empty Quarkus application with exactly the keeper's
 * Quarkus extensions at the keeper's Quarkus version, built offline from the local Maven repository by the repository's
 * Maven wrapper. {@code bench/empty-app} is looked for in the working directory and the folders above it (the
 * repository's root). Also builds the keeper's own {@code aot-jar} layout for the benchmark's AOT-cache flag sets.
 */
final class EmptyApp {

    static final Path POM = Path.of("bench", "empty-app", "pom.xml");
    /** Where the {@code aot-jar} layouts go, beside {@code target/quarkus-app}. */
    static final String AOT_APP = "aot-app";
    private static final String DEPENDENCIES = "quarkus-app-dependencies.txt";

    private EmptyApp() {
    }

    /**
     * Builds the empty application ({@code ./mvnw -B -o -q -f bench/empty-app/pom.xml package}) and checks that it
     * packages exactly the keeper's runtime libraries (the same extensions, the same versions: {@code
     * quarkus-app-dependencies.txt}); returns its {@code quarkus-run.jar}.
     */
    static Path build() throws IOException, InterruptedException {
        Path pom = root().resolve(POM);
        Path app = pom.getParent().resolve(Path.of("target", "quarkus-app"));
        maven(pom);
        assertThat(Files.readAllLines(app.resolve(DEPENDENCIES)))
                .as("the runtime libraries of the empty application (%s) against the keeper's (%s): bench/empty-app/pom.xml must "
                        + "list exactly the keeper's Quarkus extensions, at its Quarkus version", app, PackagedKeeper.JAR.getParent())
                .isEqualTo(Files.readAllLines(PackagedKeeper.JAR.resolveSibling(DEPENDENCIES)));
        return app.resolve("quarkus-run.jar");
    }

    /**
     * Packages the keeper once more, as Quarkus' {@code aot-jar} (every class on the class path of the JVM's application
     * class loader, where a class-data archive or an AOT cache can hold it; the fast-jar's own class loader keeps them
     * out) in {@code keeper/target/aot-app}, from the root pom ({@code -pl keeper -am}: the parent and the sandbox it is
     * built with), from the classes the benchmark's own build compiled: nothing is compiled again
     * ({@code maven.main.skip}, {@code maven.test.skip}), since the benchmark runs from those same class folders and a
     * recompile would take its classes away under it. Returns its {@code quarkus-run.jar}.
     */
    static Path keeperAotJar() throws IOException, InterruptedException {
        maven(root().resolve("pom.xml"), "-pl", "keeper", "-am", "-Dmaven.main.skip=true", "-Dmaven.test.skip=true",
                "-Dquarkus.package.jar.type=aot-jar", "-Dquarkus.package.output-directory=" + AOT_APP);
        return root().resolve(Path.of("keeper", "target", AOT_APP, "quarkus-run.jar"));
    }

    /** The empty application as an {@code aot-jar}, in {@code bench/empty-app/target/aot-app}; returns its {@code quarkus-run.jar}. */
    static Path emptyAotJar() throws IOException, InterruptedException {
        Path pom = root().resolve(POM);
        maven(pom, "-Dmaven.test.skip=true", "-Dquarkus.package.jar.type=aot-jar", "-Dquarkus.package.output-directory=" + AOT_APP);
        return pom.getParent().resolve(Path.of("target", AOT_APP, "quarkus-run.jar"));
    }

    /** {@code ./mvnw -B -o -q -f POM [args] package} with the benchmark's JDK; fails with the build's output. */
    private static void maven(Path pom, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root().resolve("mvnw").toString(), "-B", "-o", "-q", "-f", pom.toString()));
        Optional.ofNullable(System.getProperty("maven.repo.local")).ifPresent(r -> cmd.add("-Dmaven.repo.local=" + r));
        cmd.addAll(List.of(args));
        cmd.add("package");
        Path log = Files.createTempFile("bench-build-", ".log");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process build = builder.start();
        if (!build.waitFor(10, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " took over 10 minutes: " + Files.readString(log));
        }
        assertThat(build.exitValue()).as("%s (offline: its dependencies must be in the local Maven repository)\n%s",
                String.join(" ", cmd), Files.readString(log)).isZero();
    }

    /** The folder holding {@code bench/empty-app}: the working directory or the first folder above it that does. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(POM))) {
                return dir;
            }
        }
        throw new IllegalStateException(POM + " is in neither " + Path.of("").toAbsolutePath() + " nor a folder above it");
    }
}
