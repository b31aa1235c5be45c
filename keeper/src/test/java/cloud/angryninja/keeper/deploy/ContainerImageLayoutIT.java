package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Runs after {@code package}: the container images copy what the build really produces, and the
 * packaged keeper reads {@code config/application.properties} from its working directory, which
 * is where the cluster mounts its ConfigMap.
 */
@Tier.Packaged
class ContainerImageLayoutIT {

    static final Path TARGET = Repo.root().resolve("keeper/target");
    static final boolean NATIVE = "true".equals(System.getProperty("packaged.native"));

    @TempDir
    Path workDir;

    @Test
    void theJvmImageCopiesEveryPartOfTheFastJar() throws IOException {
        if (NATIVE) {
            assertThat(nativeRunners()).as("native executable in target/").hasSize(1);
            return;
        }
        Path app = TARGET.resolve("quarkus-app");
        assertThat(app.resolve("quarkus-run.jar")).as("./mvnw package output").isRegularFile();
        Dockerfile jvm = Dockerfile.read(Repo.root().resolve("Dockerfile.jvm"));
        String builderApp = jvm.stage("builder").last("WORKDIR").orElseThrow().arguments() + "/keeper/target/quarkus-app/";
        Set<String> copied = new TreeSet<>();
        List<String> destinations = new ArrayList<>();
        for (Dockerfile.Instruction copy : jvm.finalStage().all("COPY")) {
            assertThat(copy.flags()).containsEntry("from", "builder");
            List<String> operands = copy.operands();
            String source = operands.getFirst();
            assertThat(source).startsWith(builderApp);
            String relative = source.substring(builderApp.length()).replaceAll("/$", "");
            PathMatcher matcher = glob(relative);
            List<String> matches = entries(app).stream().filter(e -> matcher.matches(Path.of(e))).toList();
            assertThat(matches).as("COPY %s matches the package", source).isNotEmpty();
            copied.addAll(matches);
            String destination = operands.getLast();
            for (String match : matches) {
                boolean directory = Files.isDirectory(app.resolve(match));
                destinations.add(directory || !destination.endsWith("/") ? destination : destination + match);
            }
        }
        Set<String> needed = new TreeSet<>();
        for (String entry : entries(app)) {
            if (Files.isDirectory(app.resolve(entry)) || entry.endsWith(".jar")) {
                needed.add(entry);
            }
        }
        assertThat(copied).as("parts of target/quarkus-app the image copies").containsAll(needed);
        String entrypoint = jvm.finalStage().last("ENTRYPOINT").orElseThrow().arguments();
        assertThat(destinations).anyMatch(d -> entrypoint.contains("\"" + d + "\""));
    }

    @Test
    void theNativeImageCopiesTheExecutableTheNativeBuildNames() {
        Path configured = Path.of(System.getProperty("native.image.path", "missing: native.image.path"));
        Dockerfile nativeImage = Dockerfile.read(Repo.root().resolve("Dockerfile.native"));
        String source = nativeImage.finalStage().all("COPY").getFirst().operands().getFirst();
        String pattern = source.substring(source.lastIndexOf('/') + 1);
        assertThat(glob(pattern).matches(configured.getFileName())).as("%s matches %s", pattern, configured.getFileName()).isTrue();
        assertThat(configured.getParent()).isEqualTo(TARGET);
    }

    @Test
    void thePackagedKeeperReadsConfigFromItsWorkingDirectory() throws Exception {
        int port = Loopback.freePort();
        Path config = Files.createDirectories(workDir.resolve("config")).resolve("application.properties");
        Files.writeString(config, Repo.read(K8sTree.keeperApp().resolve("config/application.properties"))
                + "\n# only here: proves this file is read\nquarkus.http.port=" + port + "\n");
        // the executable the image runs: the native one in a native build, else the jar
        List<String> command = NATIVE ? List.of(nativeRunners().getFirst().toAbsolutePath().toString())
                : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                        TARGET.resolve("quarkus-app/quarkus-run.jar").toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("keeper.log").toFile());
        builder.environment().putAll(Map.of(
                "KEEPER_API_TOKEN", "test-api-token",
                "KEEPER_DOPPLER_TOKEN", "dp.st.test",
                "OPENCODE_FLUX_PASSWORD", "test-flux-password",
                "OPENCODE_HA_PASSWORD", "test-ha-password"));
        Process keeper = builder.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        try {
            await("keeper live on the port set only in config/application.properties").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!keeper.isAlive()) {
                            throw new AssertionError("keeper exited:\n" + Repo.read(workDir.resolve("keeper.log")));
                        }
                        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live")).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
        } finally {
            keeper.destroy();
            keeper.waitFor();
        }
    }

    private static List<Path> nativeRunners() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner")).toList();
        }
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static PathMatcher glob(String pattern) {
        return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    }
}
