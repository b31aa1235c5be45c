package cloud.angryninja.keeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * Checks the packaged application ({@code target/quarkus-app}) after {@code package}: the dev
 * sandbox is not in it, and a configuration mistake stops it with one line naming the key.
 */
class PackagedAppIT {

    static final Path APP = Path.of("target", "quarkus-app");

    @Test
    void noSandboxDependencyIsPackaged() throws IOException {
        assertThat(APP.resolve("quarkus-run.jar")).exists();
        List<String> jars;
        try (Stream<Path> files = Files.walk(APP.resolve("lib"))) {
            jars = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
        }
        assertThat(jars).as("packaged libraries").isNotEmpty()
                .noneMatch(n -> n.contains("kubernetes-server-mock") || n.contains("mockwebserver") || n.contains("wiremock"));
    }

    @Test
    void noSandboxClassIsPackaged() throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(APP)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    zip.stream().map(e -> jar.getFileName() + "!" + e.getName()).forEach(entries::add);
                }
            }
        }
        assertThat(entries).as("application classes are packaged").anyMatch(e -> e.endsWith("cloud/angryninja/keeper/probe/Prober.class"));
        assertThat(entries).as("sandbox classes").noneMatch(e -> e.contains("cloud/angryninja/keeper/sandbox/") && e.endsWith(".class"));
    }

    @Test
    void missingApiTokenStopsStartWithTheKey() throws Exception {
        Run run = run();
        assertThat(run.exit).isNotZero();
        assertThat(run.output).contains("The config property keeper.api.token is required");
    }

    @Test
    void noWorkspaceStopsStartWithOneLine() throws Exception {
        Run run = run("-Dkeeper.api.token=t");
        assertThat(run.exit).isNotZero();
        assertThat(run.output.strip()).isEqualTo(
                "keeper.workspaces: no workspace is configured; set keeper.workspaces.<name>.url for at least one workspace");
    }

    @Test
    void badUrlStopsStartWithOneLine() throws Exception {
        Run run = run("-Dkeeper.api.token=t", "-Dkeeper.workspaces.flux.url=http://opencode:secret@host:4096");
        assertThat(run.exit).isNotZero();
        assertThat(run.output.strip()).isEqualTo("keeper.workspaces.flux.url is not an absolute http(s) URL with a host and no user info");
    }

    record Run(int exit, String output) {
    }

    private static Run run(String... props) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-Dquarkus.http.port=0", "-jar", APP.resolve("quarkus-run.jar").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KEEPER_"));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the keeper did not stop on a config mistake within 60 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
