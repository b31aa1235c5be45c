package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.LocalMavenMirror;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.MetricsText;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Builds Dockerfile.jvm for real with buildah (vfs storage in a temporary folder, chroot
 * isolation) and starts the image it produces. The base images cannot be pulled here: a stand-in
 * is assembled from this machine's JDK and busybox and tagged with both FROM names. Maven Central
 * is a loopback mirror of this machine's local repository ({@code .ci/run} fills it with the
 * builder's own go-offline step first); the builder's package step runs offline, so it proves the
 * dependency layer caches everything. The image's entrypoint then runs as the image's user
 * against a mock Kubernetes API until {@code /q/health/ready} answers, and nothing outside /tmp
 * may change in the container's file system.
 */
@Tier.Packaged
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerImageBuildIT {

    static final Dockerfile JVM = Dockerfile.read(Repo.root().resolve("Dockerfile.jvm"));
    static final String IMAGE = "localhost/opencode-keeper:buildah-test";
    static final Path JDK = Path.of(System.getProperty("java.home"));

    Buildah buildah;
    Path work;
    Duration buildTook;

    @BeforeAll
    void build() throws IOException {
        buildah = Buildah.withTemporaryStorage();
        work = Files.createTempDirectory("keeper-image-");
        // Both stages' FROM names resolve to the stand-in: a JDK is all either needs here.
        List<String> bases = new ArrayList<>(new LinkedHashSet<>(JVM.stages().stream().map(Dockerfile.Stage::image).toList()));
        buildah.commitStandInBase(JDK, 185, "default", "/home/default", bases);
        try (LocalMavenMirror mirror = LocalMavenMirror.start()) {
            Path settings = Files.createDirectories(work.resolve("maven"));
            Files.writeString(settings.resolve("settings.xml"), mirror.settingsXml());
            long start = System.nanoTime();
            Tools.Result result = Tools.run(buildah.command("build", "--isolation", "chroot", "--pull-never", "--layers=false",
                    "-f", "Dockerfile.jvm", "-t", IMAGE, "-v", settings + ":/mirror:ro",
                    "--build-arg", "MAVEN_ARGS=-s /mirror/settings.xml", "--build-arg", "MVNW_REPOURL=" + mirror.url(), "."),
                    Repo.root(), Map.of(), false, Duration.ofMinutes(12));
            buildTook = Duration.ofNanos(System.nanoTime() - start);
            String output = result.output();
            assertThat(result.exitCode()).as("buildah build of Dockerfile.jvm (missing from the mirror: %s):\n%s", mirror.missing(),
                    output.length() > 8000 ? output.substring(output.length() - 8000) : output).isZero();
            System.out.printf("ContainerImageBuildIT: Dockerfile.jvm built with buildah in %d s (%d artifacts from the loopback mirror)%n",
                    buildTook.toSeconds(), mirror.served().size());
        }
    }

    @AfterAll
    void clean() throws IOException {
        if (buildah != null) {
            buildah.close();
        }
        if (work != null) {
            Tools.run(null, Duration.ofMinutes(1), "rm", "-rf", work.toString());
        }
    }

    @Test
    void theImageRunsTheFastJarFromDeploymentsAsUser185() throws IOException {
        JsonNode config = buildah.inspect("image", IMAGE).path("OCIv1").path("config");
        assertThat(config.path("User").asText()).isEqualTo("185");
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/deployments");
        assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(texts(config.path("Entrypoint"))).containsExactly("java", "-jar", "/deployments/quarkus-run.jar");
        assertThat(texts(config.path("Env"))).anyMatch(e -> e.startsWith("JDK_JAVA_OPTIONS=") && e.contains("-Xmx32m"));

        String container = buildah.from(IMAGE);
        Path root = buildah.mount(container);
        Path deployments = root.resolve("deployments");
        assertThat(deployments.resolve("quarkus-run.jar")).isRegularFile();
        for (String dir : List.of("lib/boot", "lib/main", "app", "quarkus")) {
            assertThat(deployments.resolve(dir)).as(dir).isDirectory();
        }
        assertThat(deployments.resolve("quarkus/quarkus-application.dat")).isRegularFile();
        assertThat(Files.getOwner(deployments.resolve("quarkus-run.jar")).getName()).isIn("185", "default");
        // Only the package reaches the runtime: no sources, no build folder, no Maven cache.
        assertThat(root.resolve("build")).doesNotExist();
        assertThat(deployments.resolve("src")).doesNotExist();
        assertThat(root.resolve("home/default/.m2")).doesNotExist();
        // Provided scope (the sandbox module, and WireMock and the mock server it brings) stays out of the image.
        try (var jars = Files.list(deployments.resolve("lib/main"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> cloud.angryninja.keeper.testing.PackagedKeeper.SANDBOX_JARS.stream().anyMatch(n::contains));
        }
    }

    @Test
    void theEntrypointStartsAsItsUserAndWritesOnlyUnderTmp() throws Exception {
        JsonNode config = buildah.inspect("image", IMAGE).path("OCIv1").path("config");
        List<String> entrypoint = texts(config.path("Entrypoint"));
        int port = Loopback.freePort();
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Tools.run(null, Duration.ofSeconds(10), "chmod", "1777", tmp.toString());
        Path configDir = Files.createDirectories(work.resolve("config"));
        Files.setPosixFilePermissions(configDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (MockCluster cluster = MockCluster.start()) {
            String unreachable = "http://127.0.0.1:" + Loopback.freePort();
            // The cluster's own config file, mounted where the cluster mounts it, pointed at loopback stand-ins.
            Files.writeString(configDir.resolve("application.properties"), Repo.read(K8sTree.keeperApp().resolve("config/application.properties"))
                    + "\n# loopback stand-ins of the test\nquarkus.http.port=" + port
                    + "\nkubernetes.master=" + cluster.client().getConfiguration().getMasterUrl()
                    + "\nkubernetes.auth.tryKubeConfig=false\nkubernetes.trust-certificates=true\nkubernetes.namespace=opencode"
                    + "\nkeeper.workspaces.opencode-flux.url=" + unreachable + "\nkeeper.workspaces.opencode-ha.url=" + unreachable
                    + "\nkeeper.copilot.api-url=" + unreachable + "\nkeeper.probe.interval=2s\n");
            Files.setPosixFilePermissions(configDir.resolve("application.properties"), PosixFilePermissions.fromString("rw-r--r--"));

            String container = buildah.from(IMAGE);
            // The keeper's Secret as the pod gets it (envFrom) when Doppler holds only one workspace's password: the
            // deployed config reads the other's as empty and the keeper starts all the same.
            for (String env : List.of("KEEPER_API_TOKEN=image-test-token", "KEEPER_DOPPLER_TOKEN=dp.st.image-test",
                    "OPENCODE_FLUX_PASSWORD=image-test-flux")) {
                buildah.run(Duration.ofMinutes(1), "config", "--env", env, container);
            }
            List<String> mounts = List.of("-v", configDir + ":/deployments/config:ro", "-v", tmp + ":/tmp");
            Path root = buildah.mount(container);
            Set<String> outside = Set.of("/tmp", "/proc", "/sys", "/dev");
            // A first run with the same mounts: buildah creates the mount points (and /etc/hosts,
            // /etc/resolv.conf); what the keeper then changes is compared with that.
            runInContainer(container, mounts, List.of("java", "-version"), Duration.ofMinutes(2));
            Map<String, String> before = Buildah.snapshot(root, outside);
            assertThat(before).containsKeys("/deployments/quarkus-run.jar", "/usr/lib/jvm/java/bin/java", "/etc/passwd");

            List<String> cmd = new ArrayList<>(buildah.command("run", "--isolation", "chroot"));
            cmd.addAll(mounts);
            cmd.addAll(List.of(container, "--"));
            cmd.addAll(entrypoint);
            Path log = work.resolve("keeper.log");
            Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            try {
                await("the image's entrypoint ready on port " + port).atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class)
                        .until(() -> {
                            if (!run.isAlive()) {
                                throw new AssertionError("the container exited with " + run.exitValue() + ":\n" + Repo.read(log));
                            }
                            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                        });
                ProcessHandle keeper = keeperProcess(run).orElseThrow(() -> new AssertionError("no java process under buildah run"));
                assertThat(uid(keeper)).as("uid of the keeper in the container").isEqualTo(185);
                // It works, against the stand-ins: probe cycles complete, and the workspaces are reported unreachable.
                await("probe cycles of the keeper in the container").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(IOException.class)
                        .until(() -> {
                            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                                    HttpResponse.BodyHandlers.ofString()).body();
                            return MetricsText.value(metrics, "opencode_keeper_probe_cycles_total", Map.of()).orElse(0.0) >= 1;
                        });
                keeper.destroy();
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("container stops on SIGTERM").isTrue();
            } finally {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
                run.waitFor(10, TimeUnit.SECONDS);
            }
            Map<String, String> after = Buildah.snapshot(root, outside);
            assertThat(changes(before, after)).as("changes outside /tmp").isEmpty();
            assertThat(tmp.resolve("keeper.jsa")).as("class-data archive written to /tmp at exit").isRegularFile();
            String output = Repo.read(log);
            assertThat(output).contains("opencode-keeper").doesNotContain("image-test-token", "dp.st.image-test", "image-test-flux");
        }
    }

    private void runInContainer(String container, List<String> mounts, List<String> command, Duration timeout) {
        List<String> args = new ArrayList<>(List.of("run", "--isolation", "chroot"));
        args.addAll(mounts);
        args.add(container);
        args.add("--");
        args.addAll(command);
        buildah.run(timeout, args.toArray(String[]::new));
    }

    private static Optional<ProcessHandle> keeperProcess(Process run) {
        return run.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
    }

    private static int uid(ProcessHandle process) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(l -> l.startsWith("Uid:")).map(l -> Integer.parseInt(l.split("\\s+")[1])).findFirst().orElseThrow();
    }

    private static Map<String, String> changes(Map<String, String> before, Map<String, String> after) {
        Map<String, String> changes = new TreeMap<>();
        for (var e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                changes.put(e.getKey(), before.containsKey(e.getKey()) ? "changed" : "added");
            }
        }
        before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k -> changes.put(k, "removed"));
        return changes;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
