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

import cloud.angryninja.keeper.testing.PackagedKeeper;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Checks the packaged application ({@code target/quarkus-app} of the keeper module) after {@code package}: the sandbox
 * module is not in it (neither its jar nor its classes, nor WireMock or the fabric8 mock server it brings), and every
 * configuration mistake is reported in one message, one line each, naming the key.
 */
@Tier.Packaged
class PackagedAppIT {

    static final Path APP = Path.of("target", "quarkus-app");

    @Test
    void noSandboxDependencyIsPackaged() throws IOException {
        assertThat(APP.resolve("quarkus-run.jar")).exists();
        List<String> jars;
        try (Stream<Path> files = Files.walk(APP)) {
            jars = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
        }
        assertThat(jars).as("packaged libraries").anyMatch(n -> n.startsWith("io.quarkus.quarkus-core-"))
                .noneMatch(n -> PackagedKeeper.SANDBOX_JARS.stream().anyMatch(n::contains));
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
        assertThat(entries).as("classes of the sandbox or of the stand-ins it brings, in lib/, app/ or quarkus/")
                .noneMatch(e -> PackagedKeeper.SANDBOX_CLASSES.stream().anyMatch(e::contains));
    }

    @Test
    void missingApiTokenStopsStartWithTheKey() throws Exception {
        Run run = run("-Dkeeper.workspaces.flux.url=http://flux:4096");
        assertThat(run.exit).isNotZero();
        assertThat(run.problems()).containsExactly(
                "java.util.NoSuchElementException: SRCFG00014: The config property keeper.api.token is required but it could not be found in any config source");
    }

    @Test
    void noWorkspaceStopsStartWithOneLine() throws Exception {
        Run run = run("-Dkeeper.api.token=t");
        assertThat(run.exit).isNotZero();
        assertThat(run.problems()).containsExactly("keeper.workspaces has no workspace: set keeper.workspaces.<name>.url for at least one workspace");
    }

    @Test
    void badUrlStopsStartWithOneLine() throws Exception {
        Run run = run("-Dkeeper.api.token=t", "-Dkeeper.workspaces.flux.url=http://opencode:secret@host:4096");
        assertThat(run.exit).isNotZero();
        assertThat(run.problems()).containsExactly("keeper.workspaces.flux.url is not an absolute http(s) URL with a host and no user info");
        assertThat(run.output).doesNotContain("secret@");
    }

    @Test
    void everyMissingOrInvalidSettingIsReportedTogetherWithoutAStackTrace() throws Exception {
        Run run = run("-Dkeeper.probe.concurrency=-1", "-Dkeeper.probe.interval=-5s", "-Dkeeper.probe.timeout=0s",
                "-Dkeeper.reseed.verify-interval=0ms", "-Dkeeper.doppler.max-retries=-2", "-Dkeeper.events.idle-timeout=abc",
                "-Dkeeper.workspaces.Bad_Name.url=http://x:4096", "-Dkeeper.workspaces.nourl.password=p", "-Dkeeper.workspaces.ftp.url=ftp://x");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.problems()).containsExactlyInAnyOrder(
                "java.util.NoSuchElementException: SRCFG00014: The config property keeper.api.token is required but it could not be found in any config source",
                "java.lang.IllegalArgumentException: SRCFG00039: The config property keeper.events.idle-timeout with the config value \"abc\" threw an Exception whilst being converted Invalid duration: abc",
                "keeper.probe.concurrency must be greater than 0",
                "keeper.probe.interval must be longer than 0 (a duration such as 500ms, 10s or 5m)",
                "keeper.probe.timeout must be longer than 0 (a duration such as 500ms, 10s or 5m)",
                "keeper.reseed.verify-interval must be longer than 0 (a duration such as 500ms, 10s or 5m)",
                "keeper.doppler.max-retries must be greater than or equal to 0",
                "keeper.workspaces.Bad_Name is not a valid workspace name: a DNS label (lower-case letters, digits and '-', at most 63 characters)",
                "keeper.workspaces.nourl.url is required: the OpenCode base URL of the workspace, e.g. http://opencode-flux.opencode:4096",
                "keeper.workspaces.ftp.url is not an absolute http(s) URL with a host and no user info");
        assertThat(run.output).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    @Test
    void theSettingsOnceCheckedInConstructorsAreReportedWithTheOthers() throws Exception {
        // checked by their mappings' constraints (two of them across settings) since no bean checks them any more
        Run run = run("-Dkeeper.api.token=t", "-Dkeeper.workspaces.flux.url=http://flux:4096", "-Dkeeper.probe.confirm-delay=-1s",
                "-Dkeeper.probe.rate-limit-window=0s", "-Dkeeper.probe.supported-versions=1.18..2", "-Dkeeper.events.backoff-initial=5s",
                "-Dkeeper.events.backoff-max=2s", "-Dkeeper.leader-election.lease-duration=10s", "-Dkeeper.leader-election.renew-deadline=10s",
                "-Dkeeper.github.timeout=0s", "-Dkeeper.adopt.account=octo--cat", "-Dkeeper.login.enterprise-scheme=ftp");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.problems()).containsExactlyInAnyOrder(
                "keeper.probe.confirm-delay must not be negative (a duration such as 0s, 500ms or 5s)",
                "keeper.probe.rate-limit-window must be longer than 0 (a duration such as 500ms, 10s or 5m)",
                "keeper.probe.supported-versions \"1.18..2\" is not a version constraint; write an operator (>=, >, <=, <, =) and a version,"
                        + " e.g. \">=1.18 <2\"",
                "keeper.events backoff-max must not be shorter than backoff-initial",
                "keeper.leader-election lease-duration must be longer than renew-deadline",
                "keeper.github.timeout must be longer than 0 (a duration such as 500ms, 10s or 5m)",
                "keeper.adopt.account is not a GitHub login (letters, digits and inner hyphens, at most 39 characters)",
                "keeper.login.enterprise-scheme takes https or http, not 'ftp'");
        assertThat(run.output).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    record Run(int exit, String output) {

        /** The lines of the one "Configuration validation failed:" message, after it; asserts it is all there is. */
        List<String> problems() {
            List<String> lines = output.strip().lines().toList();
            assertThat(lines).as(output).first().isEqualTo("Configuration validation failed:");
            assertThat(lines.subList(1, lines.size())).as(output).allMatch(l -> l.startsWith("\t"));
            return lines.subList(1, lines.size()).stream().map(String::strip).toList();
        }
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
