package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The GitHub workflows: valid for GitHub's workflow schema (action-validator, run without a network),
 * actions pinned by commit with their version for Renovate, least permissions, the tests of
 * .ci/run on pull requests and pushes, and a release that pushes the native image under the tags
 * the HelmRelease uses.
 */
@Tier.Integration
class WorkflowsTest {

    static final Path WORKFLOWS = Repo.root().resolve(".github/workflows");
    static final Path VALIDATOR = Path.of(CacheHome.get(), "opencode-keeper", "action-validator-0.6.0", "node_modules", ".bin",
            "action-validator");
    static final String IMAGE = "ghcr.io/jbaker48/opencode-keeper";

    @TempDir
    Path temp;

    @Test
    void everyWorkflowIsValidOffline() throws IOException {
        List<Path> workflows = workflows();
        assertThat(workflows).extracting(p -> p.getFileName().toString()).contains("ci.yaml", "release.yaml");
        for (Path workflow : workflows) {
            Tools.Result result = validate(workflow);
            assertThat(result.exitCode()).as("action-validator %s:\n%s", workflow.getFileName(), result.output()).isZero();
        }
        // The validator can fail: a misspelt key and an unknown permission level are refused.
        Path broken = temp.resolve("broken.yaml");
        Files.writeString(broken, Repo.read(WORKFLOWS.resolve("release.yaml"))
                .replace("packages: write", "packages: writ").replace("runs-on:", "runs_on:"));
        Tools.Result refused = validate(broken);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("/permissions/packages").contains("runs_on");
    }

    @Test
    void everyActionIsPinnedByCommitWithItsVersion() throws IOException {
        Pattern uses = Pattern.compile("(?m)^\\s*(?:-\\s+)?uses:\\s*(\\S+)(.*)$");
        int count = 0;
        for (Path workflow : workflows()) {
            Matcher m = uses.matcher(Repo.read(workflow));
            while (m.find()) {
                count++;
                assertThat(m.group(1)).as("%s: %s", workflow.getFileName(), m.group(0).strip()).matches("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}");
                // Renovate's github-actions manager updates the digest and this comment together.
                assertThat(m.group(2).strip()).as("%s: %s", workflow.getFileName(), m.group(0).strip()).matches("# v\\d+\\.\\d+\\.\\d+");
            }
        }
        assertThat(count).isGreaterThanOrEqualTo(8);
    }

    @Test
    void onlyTheJobThatPushesMayWritePackages() throws IOException {
        for (Path workflow : workflows()) {
            JsonNode root = Yaml.read(workflow);
            assertThat(root.path("permissions").properties()).as("%s top-level permissions", workflow.getFileName())
                    .extracting(Map.Entry::getKey, e -> e.getValue().asText()).containsExactly(org.assertj.core.groups.Tuple.tuple("contents", "read"));
            for (var job : root.path("jobs").properties()) {
                boolean pushes = steps(job.getValue()).stream().anyMatch(WorkflowsTest::pushes);
                for (var permission : job.getValue().path("permissions").properties()) {
                    String level = permission.getValue().asText();
                    if (permission.getKey().equals("packages") && pushes) {
                        assertThat(level).isEqualTo("write");
                    } else {
                        assertThat(level).as("%s job %s permission %s", workflow.getFileName(), job.getKey(), permission.getKey())
                                .isIn("read", "none");
                    }
                }
                if (pushes) {
                    assertThat(job.getValue().path("permissions").path("packages").asText()).isEqualTo("write");
                }
            }
        }
    }

    @Test
    void pullRequestsAndPushesRunTheTestsOfCiRun() {
        JsonNode ci = Yaml.read(WORKFLOWS.resolve("ci.yaml"));
        assertThat(on(ci).has("pull_request")).isTrue();
        assertThat(on(ci).has("push")).isTrue();
        assertThat(runs(ci.path("jobs").path("test"))).anyMatch(r -> r.contains(".ci/run"));
    }

    /** A step that pushes an image: build-push-action with push, or a run of scripts/release/push or docker push. */
    private static boolean pushes(JsonNode step) {
        return step.path("uses").asText().startsWith("docker/build-push-action@") && step.path("with").path("push").asBoolean()
                || step.path("run").asText().contains("scripts/release/push") || step.path("run").asText().contains("docker push");
    }

    /**
     * On a version tag: the tests of .ci/run, then the native image built and loaded (not pushed), its executable, the
     * executable on Nehalem and the image tested by scripts/release/test-native, and only then the registry login and
     * the push of that same image under the version and commit tags.
     */
    @Test
    void aVersionTagTestsThenBuildsTestsAndOnlyThenPushesTheNativeImage() {
        JsonNode release = Yaml.read(WORKFLOWS.resolve("release.yaml"));
        JsonNode on = on(release);
        assertThat(on.properties()).extracting(Map.Entry::getKey).containsExactly("push");
        List<String> tagFilters = texts(on.path("push").path("tags"));
        assertThat(on.path("push").has("branches")).isFalse();
        assertThat(tagFilters).isNotEmpty();
        assertThat(matchesAny(tagFilters, "v0.1.0")).isTrue();
        assertThat(matchesAny(tagFilters, "v10.2.33")).isTrue();
        assertThat(matchesAny(tagFilters, "0.1.0")).isFalse();
        assertThat(matchesAny(tagFilters, "vnext")).isFalse();

        assertThat(release.path("env").path("IMAGE").asText()).isEqualTo(IMAGE);
        JsonNode image = release.path("jobs").path("image");
        assertThat(texts(image.path("needs"))).containsExactly("test");
        assertThat(runs(release.path("jobs").path("test"))).anyMatch(r -> r.contains(".ci/run"));
        JsonNode meta = step(image, "docker/metadata-action@");
        assertThat(meta.path("with").path("images").asText()).isEqualTo("${{ env.IMAGE }}");
        assertThat(meta.path("with").path("tags").asText().lines().map(String::strip).filter(l -> !l.isEmpty()))
                .containsExactly("type=semver,pattern={{version}}", "type=sha,prefix=sha-");
        String candidate = image.path("env").path("CANDIDATE").asText();
        assertThat(candidate).isNotBlank().doesNotContain("/");
        JsonNode build = step(image, "docker/build-push-action@");
        assertThat(build.path("with").path("file").asText()).isEqualTo("Dockerfile.native");
        assertThat(build.path("with").path("context").asText()).isEqualTo(".");
        assertThat(build.path("with").path("push").asBoolean(true)).as("the build pushes nothing").isFalse();
        assertThat(build.path("with").path("load").asBoolean()).as("the build loads the image for the tests").isTrue();
        assertThat(build.path("with").path("tags").asText()).isEqualTo("${{ env.CANDIDATE }}");
        assertThat(Repo.root().resolve(build.path("with").path("file").asText())).isRegularFile();

        List<JsonNode> steps = steps(image);
        int built = steps.indexOf(build);
        int java = steps.indexOf(step(image, "actions/setup-java@"));
        int qemu = indexOfRun(steps, "apt-get install -y -qq --no-install-recommends qemu-user");
        int tested = indexOfRun(steps, "scripts/release/test-native \"$CANDIDATE\"");
        int login = steps.indexOf(step(image, "docker/login-action@"));
        int pushed = indexOfRun(steps, "scripts/release/push \"$CANDIDATE\" $TAGS");
        assertThat(List.of(java, qemu, built)).allMatch(i -> i < tested);
        assertThat(tested).as("tests before the registry login").isLessThan(login);
        assertThat(login).isLessThan(pushed);
        assertThat(steps.stream().filter(WorkflowsTest::pushes).toList()).as("steps that push").containsExactly(steps.get(pushed));
        assertThat(steps.get(pushed).path("env").path("TAGS").asText()).isEqualTo("${{ steps.meta.outputs.tags }}");
        assertThat(runs(image)).anyMatch(r -> r.contains("scripts/release/builder-digest"));
        for (String script : List.of("test-native", "push", "builder-digest", "on-nehalem")) {
            assertThat(Repo.root().resolve("scripts/release").resolve(script)).isExecutable();
        }
    }

    /**
     * What scripts/release/test-native runs: DeployedKeeperIT (an @QuarkusIntegrationTest) against the executable of
     * the image, the same executable under scripts/release/on-nehalem (qemu-x86_64 -cpu Nehalem), and the image run as
     * the keeper's pod runs it: its user and group, a read-only root with /tmp writable, its memory limit.
     */
    @Test
    void theReleaseTestsRunTheExecutableOnNehalemAndTheImageAsThePodRunsIt() {
        String script = Repo.read(Repo.root().resolve("scripts/release/test-native"));
        Matcher it = Pattern.compile("-Dit\\.test=(\\w+)").matcher(script);
        assertThat(it.find()).isTrue();
        Path itClass = Repo.root().resolve("keeper/src/test/java/cloud/angryninja/keeper/deploy/" + it.group(1) + ".java");
        assertThat(Repo.read(itClass)).contains("@QuarkusIntegrationTest");
        assertThat(script).contains("-Dnative ", "-Dquarkus.native.reuse-existing=true", "-Dquarkus.package.output-name=opencode-keeper",
                "target=$PWD/keeper/target", "runner=$target/opencode-keeper-runner", "docker cp \"$container:/deployments/application\" \"$runner\"");
        assertThat(Dockerfile.read(Repo.root().resolve("Dockerfile.native")).finalStage().all("COPY").getLast().operands().getLast())
                .isEqualTo("/deployments/application");
        assertThat(Pattern.compile("its -Dnative\\.image\\.path=").matcher(script).results().count()).as("runs of the tests").isEqualTo(3);
        assertThat(Repo.read(Repo.root().resolve("scripts/release/on-nehalem"))).contains("exec qemu-x86_64 -cpu Nehalem \"$@\"");

        JsonNode values = Yaml.read(K8sTree.keeperApp().resolve("helmrelease.yaml")).path("spec").path("values");
        JsonNode pod = values.path("defaultPodOptions").path("securityContext");
        JsonNode container = values.path("controllers").path("opencode-keeper").path("containers").path("app");
        Matcher run = Pattern.compile("exec docker run (.*) '\\$image' \"\\\\\\$@\"", Pattern.DOTALL).matcher(script);
        assertThat(run.find()).as("the docker run of the image").isTrue();
        String options = run.group(1);
        assertThat(options).contains("--user " + pod.path("runAsUser").asInt() + ":" + pod.path("runAsGroup").asInt())
                .contains("--memory " + container.path("resources").path("limits").path("memory").asText().replace("Mi", "m"))
                .contains("--network host");
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(values.path("persistence").path("tmp").path("globalMounts").get(0).path("path").asText()).isEqualTo("/tmp");
        assertThat(options).contains("--read-only", "--tmpfs /tmp", "--cap-drop ALL");
    }

    private static int indexOfRun(List<JsonNode> steps, String command) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).path("run").asText().contains(command)) {
                return i;
            }
        }
        throw new AssertionError("no step runs " + command);
    }

    /**
     * The HelmRelease deploys a tag the release pipeline pushes: a version X.Y.Z (from the tag
     * vX.Y.Z) or sha-&lt;7 hex&gt;, never a moving tag such as latest.
     */
    @Test
    void theHelmReleaseTagIsOneTheReleasePushes() {
        JsonNode release = Yaml.read(WORKFLOWS.resolve("release.yaml"));
        JsonNode image = Yaml.read(K8sTree.keeperApp().resolve("helmrelease.yaml")).path("spec").path("values").path("controllers")
                .path("opencode-keeper").path("containers").path("app").path("image");
        // A digest may follow once the release printed it (scripts/release/push): tag: X.Y.Z@sha256:...
        String tag = image.path("tag").asText().replaceFirst("@sha256:[0-9a-f]{64}$", "");
        assertThat(tag).matches("\\d+\\.\\d+\\.\\d+|sha-[0-9a-f]{7}");
        if (!tag.startsWith("sha-")) {
            assertThat(matchesAny(texts(on(release).path("push").path("tags")), "v" + tag)).as("v%s triggers the release", tag).isTrue();
        }
        assertThat(image.path("repository").asText()).endsWith("/opencode-keeper");
    }

    /** The triggers: the YAML 1.1 reader takes the bare key {@code on} for the boolean true, GitHub for "on". */
    private static JsonNode on(JsonNode workflow) {
        assertThat(workflow.has("on") || workflow.has("true")).as("workflow triggers").isTrue();
        return workflow.has("on") ? workflow.path("on") : workflow.path("true");
    }

    private static Tools.Result validate(Path workflow) {
        if (!Files.isExecutable(VALIDATOR)) {
            throw new AssertionError(VALIDATOR + " is missing: .ci/run installs @action-validator/cli 0.6.0 there with npm");
        }
        Path unshare = Tools.require("unshare");
        // No network namespace but loopback: the validator must not need the network.
        return Tools.run(List.of(unshare.toString(), "--net", VALIDATOR.toString(), workflow.toString()), null, Map.of(), false,
                Duration.ofSeconds(60));
    }

    private static boolean matchesAny(List<String> githubFilters, String ref) {
        return githubFilters.stream().anyMatch(f -> ref.matches(githubFilterRegex(f)));
    }

    /** GitHub's filter pattern syntax: * within a path element, ** across, + and [] as in regular expressions, the rest literal. */
    private static String githubFilterRegex(String filter) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '*' && i + 1 < filter.length() && filter.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '[') {
                int end = filter.indexOf(']', i);
                regex.append(filter, i, end + 1);
                i = end;
            } else if (c == '+' || c == '?') {
                regex.append(c);
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    private static List<Path> workflows() throws IOException {
        try (Stream<Path> files = Files.list(WORKFLOWS)) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static List<JsonNode> steps(JsonNode job) {
        List<JsonNode> steps = new ArrayList<>();
        job.path("steps").forEach(steps::add);
        return steps;
    }

    private static JsonNode step(JsonNode job, String usesPrefix) {
        return steps(job).stream().filter(s -> s.path("uses").asText().startsWith(usesPrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no step uses " + usesPrefix));
    }

    private static List<String> runs(JsonNode job) {
        return steps(job).stream().map(s -> s.path("run").asText()).filter(r -> !r.isEmpty()).toList();
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> texts.add(n.asText()));
        } else if (!node.isMissingNode()) {
            texts.add(node.asText());
        }
        return texts;
    }

    /** Where .ci/run installs npm tools: ${XDG_CACHE_HOME:-~/.cache}. */
    private static final class CacheHome {
        static String get() {
            String xdg = System.getenv("XDG_CACHE_HOME");
            return xdg != null && !xdg.isBlank() ? xdg : Path.of(System.getProperty("user.home"), ".cache").toString();
        }
    }
}
