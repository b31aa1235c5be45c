package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.k8s.InitScript.Shell;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The workspace init container's script, run for real under sh and busybox sh with git against a
 * local repository, exactly as the built HelmRelease starts it (see {@link InitScript}): the clone,
 * the PAT, the commit identity. What it does with auth.json: {@link InitScriptAuthTest}.
 */
@Tier.Integration
class InitScriptTest {

    @TempDir
    static Path remoteRoot;
    static Path remote;
    static WorkspacePod pod;

    @TempDir
    Path podRoot;

    @BeforeAll
    static void repository() {
        InitScript.requireRoot();
        remote = GitFixtures.bareRepository(remoteRoot);
        pod = new WorkspacePod("opencode-flux");
    }

    @Test
    void thePodRunsTheRepositoryFileUnchanged() throws IOException {
        String inRepo = Files.readString(K8sTree.k8s().resolve(InitScript.SCRIPT_REPO_PATH));
        String command = Yaml.texts(pod.initContainer().path("command")).get(1);
        WorkspacePod.Mount mount = pod.mounts(pod.initContainerName()).stream()
                .filter(m -> command.startsWith(m.path() + "/")).findFirst().orElseThrow();
        assertThat(mount.type()).isEqualTo("configMap");
        String key = command.substring(mount.path().length() + 1);

        // Built, hash-suffixed and Flux-substituted: still byte for byte the file in the repository.
        assertThat(pod.configMap(mount.item().path("name").asText()).path("data").path(key).asText()).isEqualTo(inRepo);
        assertThat(inRepo).doesNotContain("${").startsWith("#!/bin/sh\n");
        assertThat(inRepo.lines().filter(l -> !l.strip().startsWith("#")))
                .as("no trace mode: it would print the PAT").noneMatch(l -> l.matches(".*\\bset\\s+[-+]?[a-z]*x.*"));
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void firstStartClonesAndSeedsLaterStartsDoNotClone(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        String first = InitScript.authJson("gho_first");

        Tools.Result run1 = init.run(shell, InitScript.secret(null, first), remote.toUri().toString());

        assertThat(run1.exitCode()).as(run1.output()).isZero();
        assertThat(init.workspace().resolve(".git")).isDirectory();
        assertThat(init.workspace().resolve("README.md")).hasContent("workspace repository");
        assertThat(init.authJson()).hasContent(first.strip());
        assertOwnedByWorkspaceUser(init);

        String before = GitFixtures.head(init.workspace());
        Files.writeString(init.workspace().resolve("work-in-progress.txt"), "unsaved work");
        GitFixtures.commit(remoteRoot, "later-" + shell + ".txt");
        String second = InitScript.authJson("gho_second");

        Tools.Result run2 = init.run(shell, InitScript.secret(null, second), remote.toUri().toString());

        assertThat(run2.exitCode()).as(run2.output()).isZero();
        assertThat(run2.stdout()).contains("not cloning");
        assertThat(run2.took()).as("a restart on a cloned PVC").isLessThan(Duration.ofSeconds(2));
        assertThat(GitFixtures.head(init.workspace())).isEqualTo(before);
        assertThat(init.workspace().resolve("work-in-progress.txt")).hasContent("unsaved work");
        assertThat(init.authJson()).as("a reseed (the Secret's entry changed) takes effect on the next start").hasContent(second.strip());
        assertOwnedByWorkspaceUser(init);
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aHalfFinishedCloneIsRecovered(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        Path ws = init.workspace();
        Files.createDirectories(ws.resolve(".git/objects"));       // .git without a HEAD: clone cut short
        Files.writeString(ws.resolve("partial.txt"), "left over");
        Files.writeString(ws.resolve(".hidden"), "left over");

        Tools.Result run = init.run(shell, InitScript.secret(null, InitScript.authJson("gho_x")), remote.toUri().toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.stdout()).contains("half-finished clone");
        assertThat(ws.resolve("partial.txt")).doesNotExist();
        assertThat(ws.resolve(".hidden")).doesNotExist();
        assertThat(ws.resolve("README.md")).exists();
        assertThat(GitFixtures.head(ws)).isEqualTo(GitFixtures.head(remote));
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aWorkspaceFolderWithoutGitIsRecovered(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        Files.createDirectories(init.workspace());
        Files.writeString(init.workspace().resolve("stray.txt"), "no .git here");

        Tools.Result run = init.run(shell, InitScript.secret(null, InitScript.authJson("gho_x")), remote.toUri().toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(init.workspace().resolve(".git")).isDirectory();
        assertThat(init.workspace().resolve("stray.txt")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void thePatReachesGitThroughACredentialHelperAndNothingElse(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        String pat = InitScript.fakePat();
        // Processes at every authenticated request; files (a walk of every volume) at the first one.
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (GitHttpServer server = new GitHttpServer(remote, "x-access-token", pat,
                () -> first.getAndSet(false) ? whereThePatIs(init, pat) : SecretScan.processesHolding(pat))) {
            Tools.Result run = init.run(shell, InitScript.secret(pat, InitScript.authJson("gho_x")), server.url());

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(server.authorizedRequests).as("git authenticated with the PAT").isPositive();
            assertThat(server.observations).as("processes and files holding the PAT while git ran").isEmpty();
            assertThat(run.output()).doesNotContain(pat);
            assertThat(init.workspace().resolve("README.md")).exists();
            assertThat(GitFixtures.git(init.workspace(), "remote", "get-url", "origin").stdout()).doesNotContain(pat);
        }
        assertThat(whereThePatIs(init, pat)).as("after the run").isEmpty();
        assertThat(listing(init.tmp())).as("the init container's /tmp after the run").isEmpty();
    }

    /**
     * The init container killed (SIGKILL, as an OOM kill or a container stop does: no trap runs) in the
     * middle of a clone, while git holds the PAT and waits for the server's answer: nothing of the PAT is
     * on any volume, neither those the server container mounts (the PVC, its /tmp, /opt/git) nor the
     * init container's own; only the Secret's file holds it. The next start clears the half-finished
     * clone and clones.
     */
    @ParameterizedTest
    @EnumSource(Shell.class)
    void aKilledCloneLeavesThePatNowhere(Shell shell) throws Exception {
        InitScript init = new InitScript(pod, podRoot);
        String pat = InitScript.fakePat();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> killed = new ArrayList<>();
        try (GitHttpServer server = new GitHttpServer(remote, "x-access-token", pat, () -> {
            stalled.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        })) {
            Tools.Result run = init.run(shell, InitScript.secret(pat, InitScript.authJson("gho_x")), server.url(), process -> {
                try {
                    assertThat(stalled.await(60, TimeUnit.SECONDS)).as("git sent the PAT and waits for the answer").isTrue();
                    // The script's shell first, so that no EXIT trap can clean up, then everything it started.
                    List<ProcessHandle> tree = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
                    assertThat(tree.stream().map(h -> h.info().command().orElse(""))).as("the clone is running")
                            .anyMatch(c -> c.endsWith("/git") || c.contains("git-remote-http"));
                    for (ProcessHandle h : tree) {
                        h.destroyForcibly();
                        killed.add(h.info().command().orElse("?"));
                    }
                    for (ProcessHandle h : tree) {
                        h.onExit().get(30, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                } finally {
                    release.countDown();
                }
            });
            assertThat(run.exitCode()).as("killed by SIGKILL: %s", killed).isEqualTo(137);
        }
        assertThat(init.workspace().resolve(".git")).as("the clone was under way").isDirectory();
        for (Path volume : init.volumesOfTheOtherContainers()) {
            assertThat(SecretScan.filesHolding(volume, pat)).as("files holding the PAT in %s, which the server container mounts", volume)
                    .isEmpty();
        }
        assertThat(whereThePatIs(init, pat)).as("the PAT anywhere but the Secret's file").isEmpty();
        assertThat(SecretScan.filesHolding(podRoot, pat)).as("where the PAT is").singleElement()
                .satisfies(f -> assertThat(init.secretVolumes()).anyMatch(f::startsWith));

        Tools.Result restart;
        try (GitHttpServer server = new GitHttpServer(remote, "x-access-token", pat, List::of)) {
            restart = init.run(shell, InitScript.secret(pat, InitScript.authJson("gho_x")), server.url());
        }
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.stdout()).contains("half-finished clone");
        assertThat(init.workspace().resolve("README.md")).exists();
    }

    /**
     * No process the script starts gets a secret in its arguments or environment: every command it runs
     * from the PATH is a wrapper that records its arguments and environment, then runs the real one. A
     * start that clones with the PAT and merges the Secret's entry into a workspace's auth.json.
     */
    @ParameterizedTest
    @EnumSource(Shell.class)
    void noCommandGetsASecretInItsArgumentsOrEnvironment(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        String pat = InitScript.fakePat();
        Map<String, String> secret = InitScript.secret(pat, InitScript.authJson("gho_SECRETENTRY"));
        Files.createDirectories(init.authJson().getParent());
        Files.writeString(init.authJson(), "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_WORKSPACELOGIN\"},"
                + "\"openai\":{\"type\":\"api\",\"key\":\"sk-OTHERPROVIDER\"}}");
        Files.writeString(init.seededMarker(), "an earlier entry\n");
        Path log = podRoot.resolve("commands.log");
        Path wrappers = podRoot.resolve("wrappers");
        Files.createDirectories(wrappers);
        for (String command : List.of("awk", "cat", "chmod", "chown", "cp", "cut", "date", "dirname", "git", "grep", "head", "ldd", "ls",
                "mkdir", "mktemp", "mv", "rm", "sed", "sha256sum", "tr", "wc")) {
            Path wrapper = wrappers.resolve(command);
            Files.writeString(wrapper, "#!/bin/sh\n{ printf '%s ' \"$0\" \"$@\"; printf '\\n'; export -p; } >> '" + log + "'\nexec '"
                    + Tools.require(command) + "' \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        Tools.Result run;
        try (GitHttpServer server = new GitHttpServer(remote, "x-access-token", pat, List::of)) {
            run = init.runWith(shell, secret, server.url(), Map.of("PATH", wrappers + ":" + System.getenv("PATH")));
            assertThat(server.authorizedRequests).as("git authenticated with the PAT").isPositive();
        }

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.stdout()).contains("the Secret's github-copilot entry changed since it was seeded");
        assertThat(init.authJson()).content().contains("gho_SECRETENTRY", "sk-OTHERPROVIDER");
        String commands = Files.readString(log);
        for (String used : List.of("/awk ", "/sha256sum ", "/git ", "/cat ", "/mv ")) {
            assertThat(commands).as("the script ran %s through the wrappers", used).contains(wrappers + used);
        }
        assertThat(commands).as("arguments and environments of every command the script ran")
                .doesNotContain(pat, "gho_SECRETENTRY", "gho_WORKSPACELOGIN", "sk-OTHERPROVIDER",
                        secret.get("OPENCODE_SERVER_PASSWORD"), secret.get("KEEPER_REPORT_TOKEN"));
        assertThat(run.output()).doesNotContain(pat, "gho_SECRETENTRY", "gho_WORKSPACELOGIN", "sk-OTHERPROVIDER");
    }

    /** Processes (arguments, environment) and files of the pod, its Secrets' own files excepted, that hold the PAT. */
    private static List<String> whereThePatIs(InitScript init, String pat) {
        List<String> found = new ArrayList<>(SecretScan.processesHolding(pat));
        SecretScan.filesHolding(init.root, pat).stream().filter(f -> init.secretVolumes().stream().noneMatch(f::startsWith))
                .forEach(f -> found.add("file " + f));
        return found;
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aRefusedPatFailsTheCloneWithoutShowingIt(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        String pat = InitScript.fakePat();
        try (GitHttpServer server = new GitHttpServer(remote, "x-access-token", InitScript.fakePat(), List::of)) {
            Tools.Result run = init.run(shell, InitScript.secret(pat, InitScript.authJson("gho_x")), server.url());

            assertThat(run.exitCode()).isNotZero();
            assertThat(server.rejectedRequests).as("git tried the PAT").isNotEmpty();
            assertThat(run.stderr()).contains("git clone of " + server.url() + " failed");
            assertThat(run.output()).doesNotContain(pat);
        }
        assertThat(SecretScan.filesHolding(init.pvc(), pat)).isEmpty();
        assertThat(listing(init.tmp())).isEmpty();
        assertThat(init.workspace().resolve(".git")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aUrlCarryingCredentialsIsRefusedUnprinted(Shell shell) {
        InitScript init = new InitScript(pod, podRoot);
        String pat = InitScript.fakePat();

        Tools.Result run = init.run(shell, InitScript.secret(null, InitScript.authJson("gho_x")),
                "https://x-access-token:" + pat + "@github.com/angryninja/k8s-cluster.git");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("GIT_REPO_URL carries credentials");
        assertThat(run.output()).doesNotContain(pat);
        assertThat(init.authJson()).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void theCommitIdentityIsWrittenAndABadIdentityOrGitFolderChangesNothing(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        String good = InitScript.authJson("gho_good");
        assertThat(init.run(shell, InitScript.secret(null, good), remote.toUri().toString()).exitCode()).isZero();
        JsonNode env = pod.initContainer().path("env");
        assertThat(GitFixtures.git(init.gitConfig().getParent(), "config", "--file", init.gitConfig().toString(), "user.name").stdout().strip())
                .isEqualTo(env.path("GIT_USER_NAME").asText());
        assertThat(GitFixtures.git(init.gitConfig().getParent(), "config", "--file", init.gitConfig().toString(), "user.email").stdout().strip())
                .isEqualTo(env.path("GIT_USER_EMAIL").asText());
        String gitConfig = Files.readString(init.gitConfig());

        Map<Map<String, String>, String> refused = new java.util.LinkedHashMap<>();
        refused.put(Map.of("GIT_USER_EMAIL", ""), "GIT_USER_NAME and GIT_USER_EMAIL go together");
        refused.put(Map.of("GIT_USER_NAME", ""), "GIT_USER_NAME and GIT_USER_EMAIL go together");
        refused.put(Map.of("GIT_USER_EMAIL", "dev@example.com extra"), "GIT_USER_EMAIL must be a plain address");
        refused.put(Map.of("GIT_USER_EMAIL", "nobody"), "GIT_USER_EMAIL must be an address");
        refused.put(Map.of("GIT_USER_NAME", "Eve <eve@example.com>"), "GIT_USER_NAME must not hold angle brackets");
        refused.put(Map.of("GIT_BUNDLE_DIR", "/"), "GIT_BUNDLE_DIR must not be /");
        refused.put(Map.of("GIT_BUNDLE_DIR", "/opt/gi't"), "GIT_BUNDLE_DIR must not be / nor hold a single quote");
        refused.put(Map.of("GIT_BUNDLE_DIR", "opt/git"), "GIT_BUNDLE_DIR must be an absolute path");
        for (Map.Entry<Map<String, String>, String> bad : refused.entrySet()) {
            Tools.Result run = init.runOverriding(shell, InitScript.secret(null, InitScript.authJson("gho_new")),
                    remote.toUri().toString(), bad.getKey());

            assertThat(run.exitCode()).as("%s", bad.getKey()).isNotZero();
            assertThat(run.stderr()).as("%s", bad.getKey()).contains(bad.getValue());
            assertThat(init.authJson()).as("auth.json after %s", bad.getKey()).hasContent(good.strip());
            assertThat(init.gitConfig()).as(".gitconfig after %s", bad.getKey()).hasContent(gitConfig);
        }
    }

    private static void assertOwnedByWorkspaceUser(InitScript init) {
        for (Path p : List.of(init.authJson(), init.authJson().getParent(), init.workspace(), init.workspace().resolve("README.md"),
                init.workspace().resolve(".git/HEAD"), init.initPath(pod.initContainer().path("env").path("HOME").asText()))) {
            assertThat(InitScript.uid(p)).as("owner uid of %s", p).isEqualTo(1000);
            assertThat(InitScript.gid(p)).as("owner gid of %s", p).isEqualTo(1000);
        }
        assertThat(InitScript.mode(init.authJson())).isEqualTo("rw-------");
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
