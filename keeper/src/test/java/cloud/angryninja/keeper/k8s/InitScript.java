package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.TestCredentials;

/**
 * Runs a workspace's init container for real on the host: the script from the built ConfigMap,
 * the command, environment and mounts from the built HelmRelease, host folders standing in for the
 * PVC, the Secrets and the emptyDirs. Only the repository URL is replaced (by a local one).
 */
final class InitScript {

    /** The two shells the script must run under: the host's sh and busybox's ash (alpine/git's shell). */
    enum Shell {
        SH, BUSYBOX;

        List<String> command() {
            return this == SH ? List.of(Tools.require("sh").toString())
                    : List.of(Tools.require("busybox").toString(), "sh");
        }
    }

    static final String SCRIPT_REPO_PATH = "components/opencode-workspace/init-workspace.sh";

    final WorkspacePod pod;
    final Path root;
    final Map<String, Path> volumes;

    InitScript(WorkspacePod pod, Path root) {
        this.pod = pod;
        this.root = root;
        this.volumes = pod.volumes(root, Map.of());
    }

    Path pvc() {
        return volumes.get(pvcVolume());
    }

    String pvcVolume() {
        return pod.values.path("persistence").properties().stream()
                .filter(e -> e.getValue().has("existingClaim")).map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** The host folder standing in for a path of the init container. */
    Path initPath(String containerPath) {
        return pod.hostPath(pod.initContainerName(), containerPath, volumes);
    }

    Path workspace() {
        return initPath(pod.initContainer().path("env").path("WORKSPACE_DIR").asText());
    }

    Path authJson() {
        return initPath(pod.initContainer().path("env").path("XDG_DATA_HOME").asText() + "/opencode/auth.json");
    }

    /** Where the script records the SHA-256 of the github-copilot entry it seeded last. */
    Path seededMarker() {
        return authJson().resolveSibling("auth.json.seeded");
    }

    /** The host folders of the secret volumes (only the init container mounts them). */
    List<Path> secretVolumes() {
        return volumesOfType("secret");
    }

    /** The host folders of every volume a container other than the init container mounts. */
    List<Path> volumesOfTheOtherContainers() {
        Set<String> names = new TreeSet<>();
        Yaml.fieldNames(pod.controller().path("containers")).forEach(c -> pod.mounts(c).forEach(m -> names.add(m.volume())));
        assertThat(names).as("volumes of the server container").isNotEmpty();
        return names.stream().map(volumes::get).toList();
    }

    private List<Path> volumesOfType(String type) {
        return pod.values.path("persistence").properties().stream().filter(e -> type.equals(e.getValue().path("type").asText()))
                .map(e -> volumes.get(e.getKey())).toList();
    }

    /** The host folder standing in for the init container's GIT_BUNDLE_DIR (git for the server container). */
    Path gitBundle() {
        return initPath(pod.initContainer().path("env").path("GIT_BUNDLE_DIR").asText());
    }

    Path tmp() {
        return initPath("/tmp");
    }

    /** One start of the init container, with these Secret keys and this repository URL. */
    Tools.Result run(Shell shell, Map<String, String> secretData, String repoUrl) {
        return run(shell, secretData, repoUrl, Map.of());
    }

    /**
     * One start of the init container, {@code imageEnv} standing in for what the image adds to the
     * environment (its PATH, see {@link ImageLayouts#alpineGitEnv}).
     */
    Tools.Result run(Shell shell, Map<String, String> secretData, String repoUrl, Map<String, String> imageEnv) {
        return start(shell, secretData, repoUrl, imageEnv, Map.of(), p -> {
        });
    }

    /** One start with some of the HelmRelease's environment values replaced ({@code ""}: set but empty). */
    Tools.Result runOverriding(Shell shell, Map<String, String> secretData, String repoUrl, Map<String, String> overrides) {
        overrides.keySet().forEach(k -> assertThat(pod.initContainer().path("env").has(k)).as("the HelmRelease sets %s", k).isTrue());
        return start(shell, secretData, repoUrl, Map.of(), overrides, p -> {
        });
    }

    /** One start, {@code whileRunning} getting the shell's process as soon as it runs (to kill it, as the kubelet can). */
    Tools.Result run(Shell shell, Map<String, String> secretData, String repoUrl, Consumer<Process> whileRunning) {
        return start(shell, secretData, repoUrl, Map.of(), Map.of(), whileRunning);
    }

    /** One start with {@code extraEnv} added to the container's environment (e.g. a PATH of wrappers). */
    Tools.Result runWith(Shell shell, Map<String, String> secretData, String repoUrl, Map<String, String> extraEnv) {
        return start(shell, secretData, repoUrl, extraEnv, Map.of(), p -> {
        });
    }

    /** {@code $HOME/.gitconfig} as the init container writes it. */
    Path gitConfig() {
        return initPath(pod.initContainer().path("env").path("HOME").asText() + "/.gitconfig");
    }

    private Tools.Result start(Shell shell, Map<String, String> secretData, String repoUrl, Map<String, String> imageEnv,
            Map<String, String> overrides, Consumer<Process> whileRunning) {
        String init = pod.initContainerName();
        writeSecret(secretData);
        List<String> command = Yaml.texts(pod.initContainer().path("command"));
        assertThat(command).as("init container command").hasSize(2);
        assertThat(command.get(0)).as("the script is started by an explicit shell").isEqualTo("/bin/sh");
        List<String> host = new ArrayList<>(shell.command());
        host.add(pod.hostPath(init, command.get(1), volumes).toString());
        Map<String, String> env = new LinkedHashMap<>(pod.env(init, volumes, secretData));
        assertThat(env.get("GIT_REPO_URL")).as("the workspace's repository URL").startsWith("https://github.com/");
        env.put("GIT_REPO_URL", repoUrl);
        env.put("TMPDIR", tmp().toString()); // in the pod /tmp is this emptyDir; the script defaults to /tmp
        imageEnv.forEach((k, v) -> assertThat(env).as("the image's %s, not the HelmRelease's", k).doesNotContainKey(k));
        env.putAll(imageEnv);
        env.putAll(overrides);
        return Tools.run(host, root, env, true, Duration.ofSeconds(60), whileRunning);
    }

    /** Each secret volume holds the files of its Secret (or of its items), as kubelet writes them (0440). */
    private void writeSecret(Map<String, String> secretData) {
        pod.values.path("persistence").properties().stream().filter(e -> "secret".equals(e.getValue().path("type").asText()))
                .forEach(e -> {
                    Path dir = volumes.get(e.getKey());
                    try (var files = Files.list(dir)) {
                        for (Path f : files.toList()) {
                            Files.delete(f);
                        }
                        for (Map.Entry<String, String> file : pod.secretFiles(e.getValue(), secretData).entrySet()) {
                            Path f = dir.resolve(file.getKey());
                            Files.writeString(f, file.getValue());
                            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r-----"));
                        }
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
    }

    static String fakePat() {
        byte[] bytes = new byte[18];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "ghp_" + HexFormat.of().formatHex(bytes);
    }

    static String authJson(String refresh) {
        return TestCredentials.authJson(refresh) + "\n";
    }

    /**
     * The data of the workspace's two Secrets, key to value: {@code <app>-secret} (the PAT, empty for none, as
     * the ExternalSecret's template renders it, the server password, the report token) and {@code <app>-copilot}.
     */
    static Map<String, String> secret(String pat, String authJson) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("GITHUB_PAT", pat == null ? "" : pat);
        data.put("OPENCODE_SERVER_PASSWORD", "pw-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        data.put("KEEPER_REPORT_TOKEN", "rt-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        data.put("COPILOT_AUTH_JSON", authJson);
        return data;
    }

    static int uid(Path p) {
        try {
            return (int) Files.getAttribute(p, "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int gid(Path p) {
        try {
            return (int) Files.getAttribute(p, "unix:gid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireRoot() {
        assertThat(Tools.run(List.of("id", "-u"), null, Map.of(), false, Duration.ofSeconds(5)).stdout().strip())
                .as("the init-script tests run as root (as CI does), to prove the chown to 1000:1000").isEqualTo("0");
    }
}
