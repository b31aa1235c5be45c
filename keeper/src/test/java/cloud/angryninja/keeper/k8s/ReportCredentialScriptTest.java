package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.ReporterProcess;
import cloud.angryninja.keeper.testing.ReporterProcess.Shell;
import cloud.angryninja.keeper.testing.ScriptKeeper;
import cloud.angryninja.keeper.testing.ScriptKeeper.Answer;
import cloud.angryninja.keeper.testing.ScriptKeeper.Received;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The workspace's report-credential sidecar, run for real under {@code sh} and {@code busybox sh} exactly as the built
 * HelmRelease starts it (the script from the built ConfigMap, its command, environment and mounts laid onto host
 * folders by {@link WorkspacePod}), against a loopback stand-in of the keeper ({@link ScriptKeeper}) in place of the
 * keeper's Service.
 */
@Tier.Integration
class ReportCredentialScriptTest {

    static final String TOKEN = "rpt_CANARYreport0123456789abcdef";
    static final String OLD = "gho_CANARYfirst00001";
    static final String NEW = "gho_CANARYsecond0002";
    static final String OTHER_KEY = "sk-ant-CANARYother777";
    static WorkspacePod pod;

    @TempDir
    Path root;

    @BeforeAll
    static void build() {
        pod = new WorkspacePod("opencode-flux");
    }

    static String authJson(String refresh) {
        return "{\n  \"anthropic\": {\n    \"type\": \"api\",\n    \"key\": \"" + OTHER_KEY + "\"\n  },\n  \"github-copilot\": {\n"
                + "    \"type\": \"oauth\",\n    \"refresh\": \"" + refresh + "\",\n    \"access\": \"" + refresh + "\",\n"
                + "    \"expires\": 0\n  }\n}";
    }

    static String entry(String refresh) {
        return "{\"github-copilot\":{\n    \"type\": \"oauth\",\n    \"refresh\": \"" + refresh + "\",\n    \"access\": \"" + refresh
                + "\",\n    \"expires\": 0\n  }}";
    }

    /** The keeper's answer to a report: the fingerprint of what it received. */
    static Answer accepted(Received r) {
        String refresh = r.body().replaceAll("(?s).*\"refresh\": \"([^\"]+)\".*", "$1");
        return new Answer(200, "{\"workspace\":\"opencode-flux\",\"credential\":\"" + CopilotCredential.fingerprint(refresh)
                + "\",\"source\":\"workspace\",\"changed\":true}");
    }

    /** The sidecar's host folders; its auth.json is OpenCode's, at the server container's $XDG_DATA_HOME/opencode. */
    final class Sidecar {
        final Map<String, Path> volumes;

        Sidecar(Map<String, String> secretData) {
            volumes = pod.volumes(root, secretData);
        }

        Path authJson() {
            Path inSidecar = pod.hostPath(pod.sidecarName(), pod.sidecar().path("env").path("AUTH_JSON").asText(), volumes);
            Path inServer = pod.hostPath(pod.mainContainerName(), pod.mainContainer().path("env").path("XDG_DATA_HOME").asText()
                    + "/opencode/auth.json", volumes);
            assertThat(inSidecar).as("the sidecar reads the auth.json the server uses").isEqualTo(inServer);
            return inSidecar;
        }

        void write(String text) throws IOException {
            Path auth = authJson();
            Files.createDirectories(auth.getParent());
            Path partial = auth.resolveSibling("auth.json.partial");
            Files.writeString(partial, text);
            Files.move(partial, auth, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE); // as OpenCode writes it
        }

        ReporterProcess start(Shell shell, String keeperUrl, Map<String, String> overrides) {
            return start(shell, keeperUrl, overrides, false);
        }

        /** Started with every process it runs watched ({@link ReporterProcess#startWatched}). */
        ReporterProcess startWatched(Shell shell, String keeperUrl, Map<String, String> overrides) {
            return start(shell, keeperUrl, overrides, true);
        }

        private ReporterProcess start(Shell shell, String keeperUrl, Map<String, String> overrides, boolean watched) {
            List<String> command = Yaml.texts(pod.sidecar().path("command"));
            assertThat(command).containsExactly("/bin/sh", "/scripts/report-credential.sh");
            Map<String, String> env = new LinkedHashMap<>(pod.env(pod.sidecarName(), volumes, Map.of()));
            assertThat(env.get("KEEPER_URL")).as("the keeper's Service").isEqualTo("http://opencode-keeper.opencode.svc.cluster.local:8080");
            env.put("KEEPER_URL", keeperUrl);
            env.putAll(overrides);
            Path script = pod.hostPath(pod.sidecarName(), command.get(1), volumes);
            return watched ? ReporterProcess.startWatched(shell, script, env, root) : ReporterProcess.start(shell, script, env, root);
        }
    }

    static Map<String, String> secret() {
        return Map.of("GITHUB_PAT", "ghp_CANARYpat", "OPENCODE_SERVER_PASSWORD", "pw-CANARY", "COPILOT_AUTH_JSON", authJson(OLD),
                "KEEPER_REPORT_TOKEN", TOKEN + "\n");
    }

    static final Map<String, String> FAST = Map.of("POLL_SECONDS", "1", "REPORT_SECONDS", "4", "REQUEST_SECONDS", "5");

    @Test
    void theSidecarIsANativeSidecarThatSeesAuthJsonReadOnlyAndTheReportTokenAlone() {
        JsonNode sidecar = pod.sidecar();
        JsonNode init = pod.initContainer();
        assertThat(sidecar.path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(sidecar.path("dependsOn").asText()).as("started after init-workspace").isEqualTo(pod.initContainerName());
        assertThat(sidecar.path("image")).as("the init container's image, pinned the same").isEqualTo(init.path("image"));
        assertThat(sidecar.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(sidecar.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(Yaml.texts(sidecar.path("securityContext").path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(sidecar.path("resources").path("limits").path("memory").asText()).isNotBlank();
        assertThat(pod.values.path("defaultPodOptions").path("shareProcessNamespace").asBoolean(false))
                .as("no shared process namespace: the server container cannot read the sidecar's memory or environment").isFalse();

        List<WorkspacePod.Mount> mounts = pod.mounts(pod.sidecarName());
        assertThat(mounts).filteredOn(m -> !m.type().equals("emptyDir")).allMatch(WorkspacePod.Mount::readOnly, "read-only");
        WorkspacePod.Mount data = mounts.stream().filter(m -> m.type().equals("persistentVolumeClaim")).findFirst().orElseThrow();
        String xdgData = pod.mainContainer().path("env").path("XDG_DATA_HOME").asText();
        WorkspacePod.Mount serverData = pod.mounts(pod.mainContainerName()).stream().filter(m -> m.volume().equals(data.volume())
                && m.subPath() == null).findFirst().orElseThrow();
        assertThat(data.subPath()).as("auth.json's folder only").isEqualTo(xdgData.substring(serverData.path().length() + 1) + "/opencode");
        List<WorkspacePod.Mount> secrets = mounts.stream().filter(m -> m.type().equals("secret")).toList();
        assertThat(secrets).singleElement().satisfies(m -> {
            assertThat(m.item().path("name").asText()).isEqualTo("opencode-flux-secret");
            assertThat(m.item().path("items")).hasSize(1);
            assertThat(m.item().path("items").get(0).path("key").asText()).as("the report token, never the PAT").isEqualTo("KEEPER_REPORT_TOKEN");
            assertThat(pod.mounts(pod.mainContainerName())).as("the server container does not mount it")
                    .noneMatch(s -> s.volume().equals(m.volume()));
        });
        assertThat(mounts).filteredOn(m -> m.type().equals("emptyDir")).as("its own /tmp, shared with no other container")
                .singleElement().satisfies(m -> {
                    assertThat(m.path()).isEqualTo("/tmp");
                    assertThat(pod.mounts(pod.mainContainerName())).noneMatch(o -> o.volume().equals(m.volume()));
                    assertThat(pod.mounts(pod.initContainerName())).noneMatch(o -> o.volume().equals(m.volume()));
                });

        assertThat(sidecar.path("env").path("WORKSPACE_NAME").asText()).isEqualTo("opencode-flux");
        // the keeper's Service, token Secret and key: KeeperMeetsTheWorkspacesTest
    }

    @Test
    void thePodRunsTheRepositoryFileUnchanged() throws IOException {
        String inRepo = Files.readString(ReporterProcess.SCRIPT);
        WorkspacePod.Mount mount = pod.mounts(pod.sidecarName()).stream().filter(m -> m.type().equals("configMap")).findFirst()
                .orElseThrow();
        assertThat(pod.configMap(mount.item().path("name").asText()).path("data").path("report-credential.sh").asText())
                .as("built, hash-suffixed and Flux-substituted: byte for byte the file").isEqualTo(inRepo);
        assertThat(inRepo).doesNotContain("${").startsWith("#!/bin/sh\n");
        assertThat(inRepo.lines().filter(l -> !l.strip().startsWith("#")))
                .as("no trace mode: it would print the token").noneMatch(l -> l.matches(".*\\bset\\s+[-+]?[a-z]*x.*"));
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void reportsTheEntryAtOnceOnEveryChangeAndPeriodically(Shell shell) throws Exception {
        Sidecar sidecar = new Sidecar(secret());
        sidecar.write(authJson(OLD));
        try (ScriptKeeper keeper = ScriptKeeper.start(root, ReportCredentialScriptTest::accepted);
                ReporterProcess reporter = sidecar.start(shell, keeper.url(), FAST)) {
            await().atMost(ReporterProcess.REPORT_WAIT).until(() -> keeper.received().size() >= 1);
            Received first = keeper.received().get(0);
            assertThat(first.method()).isEqualTo("POST");
            assertThat(first.path()).isEqualTo("/workspaces/opencode-flux/credential");
            assertThat(first.headers().get("Authorization")).containsExactly("Bearer " + TOKEN);
            assertThat(first.headers().get("Content-type")).containsExactly("application/json");
            assertThat(first.body()).as("the github-copilot entry alone, as it is in the file").isEqualTo(entry(OLD))
                    .doesNotContain(OTHER_KEY);

            long changed = System.nanoTime();
            sidecar.write(authJson(NEW));
            await().atMost(ReporterProcess.REPORT_WAIT).until(() -> keeper.received().stream().anyMatch(r -> r.body().equals(entry(NEW))));
            assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("a change is reported within seconds").isLessThan(Duration.ofSeconds(10));

            int before = keeper.received().size();
            await().atMost(Duration.ofSeconds(15)).until(() -> keeper.received().size() > before);
            assertThat(keeper.received().get(keeper.received().size() - 1).body()).as("the periodic report").isEqualTo(entry(NEW));
            assertThat(reporter.log()).contains("reported credential " + CopilotCredential.fingerprint(OLD) + " (HTTP 200)")
                    .contains("reported credential " + CopilotCredential.fingerprint(NEW) + " (HTTP 200)");
            assertThat(reporter.isAlive()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void triesAgainWhileTheKeeperIsDownOrAnswers503(Shell shell) throws Exception {
        Sidecar sidecar = new Sidecar(secret());
        sidecar.write(authJson(OLD));
        int port = Loopback.freePort();
        AtomicInteger answers = new AtomicInteger();
        try (ReporterProcess reporter = sidecar.start(shell, "http://127.0.0.1:" + port, FAST)) {
            await().atMost(ReporterProcess.REPORT_WAIT).until(() -> reporter.log().contains("no answer from the keeper"));
            try (ScriptKeeper keeper = ScriptKeeper.start(root, port, r -> answers.incrementAndGet() <= 2
                    ? new Answer(503, "{\"status\":503,\"role\":\"follower\"}") : accepted(r))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> keeper.received().size() >= 3);
                assertThat(keeper.received()).extracting(Received::body).as("the same report, tried again").containsOnly(entry(OLD));
                await().atMost(ReporterProcess.REPORT_WAIT).until(() -> reporter.log().contains("reported credential"));
            }
            assertThat(reporter.log()).contains("report not accepted (the keeper answered HTTP 503)");
            assertThat(reporter.isAlive()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void neverWritesAuthJsonAndNoSecretIsAnArgumentOrLogged(Shell shell) throws Exception {
        Sidecar sidecar = new Sidecar(secret());
        sidecar.write(authJson(OLD));
        Path auth = sidecar.authJson();
        Files.setLastModifiedTime(auth, FileTime.fromMillis(1_700_000_000_000L));
        List<String> folderBefore = list(auth.getParent());
        try (ScriptKeeper keeper = ScriptKeeper.start(root, r -> {
            sleep(300); // the request stays open a while: its nc is seen
            return accepted(r);
        }); ReporterProcess reporter = sidecar.startWatched(shell, keeper.url(), FAST)) {
            await().atMost(ReporterProcess.REPORT_WAIT).until(() -> keeper.received().size() >= 1);
            sidecar.write(authJson(NEW));
            Files.setLastModifiedTime(auth, FileTime.fromMillis(1_700_000_000_000L));
            await().atMost(ReporterProcess.REPORT_WAIT).until(() -> keeper.received().stream().anyMatch(r -> r.body().equals(entry(NEW))));
            await().atMost(Duration.ofSeconds(15)).until(() -> keeper.received().size() >= 3);

            assertThat(reporter.seen()).as("the watch saw the reports' nc and the entry's awk")
                    .anyMatch(l -> l.startsWith("cmdline ") && l.contains("nc -w 5 127.0.0.1"))
                    .anyMatch(l -> l.startsWith("cmdline ") && l.contains("awk"));
            for (String secret : List.of(TOKEN, OLD, NEW, OTHER_KEY)) {
                assertThat(reporter.seen()).as("command lines and environments of its processes").noneMatch(l -> l.contains(secret));
                assertThat(reporter.log()).as("its log").doesNotContain(secret);
            }
            assertThat(Files.readString(auth)).as("auth.json as written").isEqualTo(authJson(NEW));
            assertThat(Files.getLastModifiedTime(auth).toMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(list(auth.getParent())).as("nothing written beside it").isEqualTo(folderBefore);
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void withoutAnEntryOrATokenNothingIsSentAndOneLineSaysWhy(Shell shell) throws Exception {
        Map<String, String> noToken = new LinkedHashMap<>(secret());
        noToken.put("KEEPER_REPORT_TOKEN", ""); // an empty Doppler entry (a missing key would keep the pod from starting)
        Sidecar sidecar = new Sidecar(noToken);
        sidecar.write("{\"openai\":{\"type\":\"api\",\"key\":\"" + OTHER_KEY + "\"}}");
        try (ScriptKeeper keeper = ScriptKeeper.start(root, ReportCredentialScriptTest::accepted);
                ReporterProcess reporter = sidecar.start(shell, keeper.url(), FAST)) {
            await().atMost(ReporterProcess.REPORT_WAIT).until(() -> reporter.log().contains("holds no github-copilot entry"));
            sidecar.write(authJson(OLD));
            await().atMost(ReporterProcess.REPORT_WAIT).until(() -> reporter.log().contains("KEEPER_REPORT_TOKEN is missing or empty"));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> keeper.received().isEmpty()
                    && reporter.log().lines().filter(l -> l.contains("holds no github-copilot entry")).count() == 1
                    && reporter.log().lines().filter(l -> l.contains("is missing or empty")).count() == 1);
            assertThat(reporter.log()).doesNotContain(OTHER_KEY).doesNotContain(OLD);
            assertThat(reporter.isAlive()).isTrue();
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
