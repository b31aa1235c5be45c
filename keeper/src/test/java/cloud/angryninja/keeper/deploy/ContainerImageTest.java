package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.manifests.K8sTree;
import cloud.angryninja.keeper.manifests.Repo;
import cloud.angryninja.keeper.manifests.Yaml;
import cloud.angryninja.keeper.testing.PackagedKeeper;
import cloud.angryninja.keeper.testing.Tier;

/**
 * What can be checked of the two Dockerfiles without Docker: base images against the build,
 * non-root user, port, working directory against the in-cluster config mount, and the build
 * context that .dockerignore lets through. The layout they copy out of target/ is checked against
 * a real package by ContainerImageLayoutIT.
 */
@Tier.Unit
class ContainerImageTest {

    static final Dockerfile NATIVE = Dockerfile.read(Repo.root().resolve("Dockerfile.native"));
    static final Dockerfile JVM = Dockerfile.read(Repo.root().resolve("Dockerfile.jvm"));
    /** The parent pom (the Java release) and the keeper's (its native profile). */
    static final String POM = Repo.read(Repo.root().resolve("pom.xml"));
    static final String KEEPER_POM = Repo.read(Repo.root().resolve("keeper/pom.xml"));
    static final JsonNode HELM_VALUES = Yaml.read(K8sTree.keeperApp().resolve("helmrelease.yaml")).path("spec").path("values");
    static final JsonNode KEEPER_CONTAINER = HELM_VALUES.path("controllers").path("opencode-keeper").path("containers").path("app");

    @Test
    void nativeImageIsBuiltByTheMandrelBuilderForThisJavaRelease() {
        Dockerfile.Stage builder = NATIVE.stage("builder");
        // Pinned by tag and digest: the tag moves to every new Mandrel build of that JDK.
        Matcher tag = Pattern.compile("quay\\.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-(\\d+)@sha256:[0-9a-f]{64}").matcher(builder.image());
        assertThat(tag.matches()).as("builder image %s", builder.image()).isTrue();
        assertThat(Integer.parseInt(tag.group(1))).as("Mandrel JDK vs --release").isGreaterThanOrEqualTo(javaRelease());
        String build = builder.all("RUN").getLast().arguments();
        assertThat(build).contains("./mvnw", "package", "-D" + nativeProfileProperty());
    }

    @Test
    void nativeRuntimeIsUbi9LikeItsBuilderSoGlibcMatches() {
        assertThat(NATIVE.stages()).hasSize(2);
        assertThat(NATIVE.finalStage().image()).matches("quay\\.io/quarkus/ubi9-quarkus-micro-image:[\\d.]+|registry\\.access\\.redhat\\.com/ubi9/ubi-minimal:[\\d.]+");
        List<Dockerfile.Instruction> copies = NATIVE.finalStage().all("COPY");
        assertThat(copies).singleElement().satisfies(copy -> {
            assertThat(copy.flags()).containsEntry("from", "builder");
            assertThat(copy.operands()).containsExactly(builderWorkdir(NATIVE) + "/keeper/target/*-runner", "/deployments/application");
        });
        assertThat(NATIVE.finalStage().last("ENTRYPOINT").orElseThrow().arguments())
                .startsWith("[\"/deployments/application\"").contains("-Dquarkus.http.host=0.0.0.0");
    }

    /**
     * The native executable's heap is capped in the image's entrypoint, as the JVM image caps its own (a native
     * executable's default maximum heap is 80% of the container's memory limit), no lower than the JVM's cap, and
     * the keeper's pod has room for it: the memory request holds the cap, the limit twice the cap.
     */
    @Test
    void theNativeHeapIsCappedAndThePodIsSizedForIt() {
        Matcher xmx = Pattern.compile("\"-Xmx(\\d+)m\"").matcher(NATIVE.finalStage().last("ENTRYPOINT").orElseThrow().arguments());
        assertThat(xmx.find()).as("-Xmx in the native entrypoint").isTrue();
        int nativeCap = Integer.parseInt(xmx.group(1));
        Matcher jvm = Pattern.compile("-Xmx(\\d+)m").matcher(JVM.finalStage().env("JDK_JAVA_OPTIONS").orElseThrow());
        assertThat(jvm.find()).isTrue();
        assertThat(nativeCap).isGreaterThanOrEqualTo(Integer.parseInt(jvm.group(1)));
        JsonNode resources = KEEPER_CONTAINER.path("resources");
        assertThat(mebibytes(resources.path("requests").path("memory").asText())).isGreaterThanOrEqualTo(nativeCap);
        assertThat(mebibytes(resources.path("limits").path("memory").asText())).isGreaterThanOrEqualTo(2 * nativeCap);
    }

    /**
     * The native build targets a CPU baseline every amd64 node runs (Mandrel's default, x86-64-v3, needs AVX2, BMI2 and
     * FMA): the native profile, which Dockerfile.native's package step activates, passes -march=x86-64-v2 (or the
     * older compatibility). CpuBaselineTest shows the Nehalem model the release runs it on has what x86-64-v2 needs.
     */
    @Test
    void theNativeBuildTargetsACpuBaselineEveryAmd64NodeRuns() {
        String profile = KEEPER_POM.substring(KEEPER_POM.indexOf("<id>native</id>"));
        profile = profile.substring(0, profile.indexOf("</profile>"));
        Matcher args = Pattern.compile("<quarkus\\.native\\.additional-build-args>([^<]+)</quarkus\\.native\\.additional-build-args>").matcher(profile);
        assertThat(args.find()).as("quarkus.native.additional-build-args in the native profile").isTrue();
        assertThat(List.of(args.group(1).split(","))).containsAnyOf("-march=x86-64-v2", "-march=compatibility");
        assertThat(NATIVE.stage("builder").all("RUN").getLast().arguments()).contains("-D" + nativeProfileProperty());
    }

    private static int mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertThat(m.matches()).as("memory quantity %s", quantity).isTrue();
        return Integer.parseInt(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    @Test
    void jvmImageRunsTheFastJarOnAJava21OrNewerRuntime() {
        Matcher builder = Pattern.compile("registry\\.access\\.redhat\\.com/ubi9/openjdk-(\\d+):[\\d.]+").matcher(JVM.stage("builder").image());
        Matcher runtime = Pattern.compile("registry\\.access\\.redhat\\.com/ubi9/openjdk-(\\d+)-runtime:[\\d.]+").matcher(JVM.finalStage().image());
        assertThat(builder.matches()).as("builder %s", JVM.stage("builder").image()).isTrue();
        assertThat(runtime.matches()).as("runtime %s", JVM.finalStage().image()).isTrue();
        assertThat(Integer.parseInt(runtime.group(1))).isGreaterThanOrEqualTo(javaRelease());
        // The JVM is the entrypoint itself (PID 1, SIGTERM from the kubelet reaches it), run from the working directory.
        assertThat(JVM.finalStage().last("ENTRYPOINT").orElseThrow().arguments())
                .isEqualTo("[\"java\", \"-jar\", \"" + workdir(JVM) + "/quarkus-run.jar\"]");
    }

    /**
     * The JVM image runs with the flags the start-up benchmark measured and the README recommends,
     * in JDK_JAVA_OPTIONS, which the java launcher reads before its command line.
     */
    @Test
    void jvmImageRunsWithTheMeasuredJvmFlags() {
        Dockerfile.Stage runtime = JVM.finalStage();
        assertThat(runtime.env("JAVA_OPTS")).isEmpty();
        assertThat(runtime.env("JAVA_TOOL_OPTIONS")).isEmpty();
        List<String> flags = List.of(runtime.env("JDK_JAVA_OPTIONS").orElseThrow().split("\\s+"));
        assertThat(flags).containsAll(PackagedKeeper.RECOMMENDED_JVM_FLAGS).contains("-Dquarkus.http.host=0.0.0.0");
        // The class-data archive goes to /tmp, the one writable folder of the keeper's pod.
        assertThat(flags).contains("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=/tmp/keeper.jsa");
        assertThat(HELM_VALUES.path("persistence").path("tmp").path("globalMounts").get(0).path("path").asText()).isEqualTo("/tmp");
        assertThat(Repo.read(Repo.root().resolve("docs/benchmarks.md"))).contains("`" + String.join(" ", PackagedKeeper.RECOMMENDED_JVM_FLAGS) + "`");
    }

    /** Docker without BuildKit, kaniko and buildah build both files: no BuildKit-only syntax. */
    @Test
    void bothDockerfilesUseNoBuildKitOnlyFeature() {
        for (String name : List.of("Dockerfile.native", "Dockerfile.jvm")) {
            String text = Repo.read(Repo.root().resolve(name));
            assertThat(text).as(name).doesNotContainPattern("(?m)^#\\s*syntax=").doesNotContain("<<");
            Dockerfile file = Dockerfile.read(Repo.root().resolve(name));
            for (Dockerfile.Stage stage : file.stages()) {
                for (Dockerfile.Instruction i : stage.instructions()) {
                    if (i.keyword().equals("COPY") || i.keyword().equals("ADD")) {
                        assertThat(i.flags().keySet()).as("%s: %s %s", name, i.keyword(), i.arguments()).isSubsetOf("from", "chown");
                    }
                    if (i.keyword().equals("RUN")) {
                        assertThat(i.flags()).as("%s: RUN %s", name, i.arguments()).isEmpty();
                    }
                }
            }
        }
    }

    /**
     * The builder creates its build folder as root and hands it to the build user before it
     * switches to it: WORKDIR alone leaves it owned by root outside BuildKit.
     */
    @Test
    void theBuildFolderBelongsToTheBuildUser() {
        for (Dockerfile image : List.of(NATIVE, JVM)) {
            List<Dockerfile.Instruction> steps = image.stage("builder").instructions();
            String dir = builderWorkdir(image);
            int workdir = indexOf(steps, "WORKDIR", dir);
            String user = steps.subList(0, workdir).stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b).orElseThrow().arguments();
            int root = indexOf(steps, "USER", "root");
            int mkdir = steps.indexOf(steps.stream().filter(i -> i.keyword().equals("RUN")
                    && i.arguments().matches("mkdir -p " + Pattern.quote(dir) + " && chown " + Pattern.quote(user) + ":\\S+ " + Pattern.quote(dir)))
                    .findFirst().orElseThrow(() -> new AssertionError("no RUN mkdir/chown of " + dir + " for " + user)));
            assertThat(root).isLessThan(mkdir).isLessThan(workdir);
            assertThat(user).isNotEqualTo("root");
            for (Dockerfile.Instruction copy : image.stage("builder").all("COPY")) {
                assertThat(copy.flags().get("chown")).as("COPY %s", copy.arguments()).startsWith(user + ":");
            }
        }
    }

    /**
     * Dependencies are resolved in their own layer, Quarkus's deployment dependencies included,
     * and the package step runs offline, so a gap fails the build; both builders run the same
     * Maven steps, the native one with the native profile.
     */
    @Test
    void theDependencyLayerIsCompleteBecauseThePackageStepRunsOffline() {
        List<String> jvmRuns = JVM.stage("builder").all("RUN").stream().map(Dockerfile.Instruction::arguments).filter(r -> r.contains("mvnw")).toList();
        List<String> nativeRuns = NATIVE.stage("builder").all("RUN").stream().map(Dockerfile.Instruction::arguments).filter(r -> r.contains("mvnw")).toList();
        assertThat(jvmRuns).hasSize(2);
        assertThat(jvmRuns.getFirst()).contains("quarkus:go-offline", ":resolve-plugins").doesNotContain(" package");
        assertThat(jvmRuns.getLast()).contains(" -o ", " package");
        assertThat(nativeRuns).containsExactly(jvmRuns.getFirst(), jvmRuns.getLast().replace(" package", " package -D" + nativeProfileProperty()));
        for (Dockerfile image : List.of(NATIVE, JVM)) {
            List<Dockerfile.Instruction> steps = image.stage("builder").instructions();
            int offline = steps.indexOf(image.stage("builder").all("RUN").stream().filter(i -> i.arguments().contains("go-offline")).findFirst().orElseThrow());
            int sources = steps.indexOf(image.stage("builder").all("COPY").stream().filter(i -> i.operands().getFirst().endsWith("src/main"))
                    .findFirst().orElseThrow());
            assertThat(offline).as("dependencies before the sources are copied").isLessThan(sources);
            assertThat(image.stage("builder").all("ARG")).extracting(Dockerfile.Instruction::arguments).contains("MAVEN_ARGS=", "MVNW_REPOURL=");
        }
    }

    /** {@code -Dquarkus.native.container-build=true} compiles with the builder Dockerfile.native uses. */
    @Test
    void theNativeProfileNamesTheBuilderImageOfDockerfileNative() {
        Matcher m = Pattern.compile("<quarkus\\.native\\.builder-image>([^<]+)</quarkus\\.native\\.builder-image>").matcher(KEEPER_POM);
        assertThat(m.find()).as("quarkus.native.builder-image in the native profile").isTrue();
        assertThat(m.group(1)).isEqualTo(NATIVE.stage("builder").image());
    }

    private static int indexOf(List<Dockerfile.Instruction> steps, String keyword, String arguments) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).keyword().equals(keyword) && steps.get(i).arguments().equals(arguments)) {
                return i;
            }
        }
        throw new AssertionError("no " + keyword + " " + arguments);
    }

    @Test
    void bothImagesRunAsANumericNonRootUserAndExpose8080() {
        for (Dockerfile image : List.of(NATIVE, JVM)) {
            String user = image.finalStage().last("USER").orElseThrow().arguments();
            assertThat(user).matches("\\d+(:\\d+)?");
            assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
            assertThat(image.finalStage().all("EXPOSE")).extracting(Dockerfile.Instruction::arguments).containsExactly("8080");
            assertThat(image.finalStage().last("ENTRYPOINT").orElseThrow().arguments()).startsWith("[");
        }
    }

    @Test
    void theClusterMountsTheConfigWhereTheImagesLookForIt() {
        String mountPath = HELM_VALUES.path("persistence").path("config").path("globalMounts").get(0).path("path").asText();
        for (Dockerfile image : List.of(NATIVE, JVM)) {
            assertThat(workdir(image)).isEqualTo("/deployments");
            // Quarkus reads config/application.properties relative to the working directory.
            assertThat(mountPath).isEqualTo(workdir(image) + "/config");
        }
        assertThat(KEEPER_CONTAINER.path("workingDir").asText()).isEqualTo("/deployments");
        assertThat(HELM_VALUES.path("persistence").path("config").path("name").asText()).isEqualTo("opencode-keeper-config");
    }

    @Test
    void theClusterRunsTheNativeImageAsItsOwnUserOnItsPort() {
        int nativeUser = Integer.parseInt(NATIVE.finalStage().last("USER").orElseThrow().arguments());
        JsonNode podSecurity = HELM_VALUES.path("defaultPodOptions").path("securityContext");
        assertThat(podSecurity.path("runAsUser").asInt()).isEqualTo(nativeUser);
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        int exposed = Integer.parseInt(NATIVE.finalStage().last("EXPOSE").orElseThrow().arguments());
        assertThat(HELM_VALUES.path("service").path("app").path("ports").path("http").path("port").asInt()).isEqualTo(exposed);
        for (String probe : List.of("liveness", "readiness", "startup")) {
            assertThat(KEEPER_CONTAINER.path("probes").path(probe).path("spec").path("httpGet").path("port").asInt())
                    .as(probe).isEqualTo(exposed);
        }
    }

    @Test
    void dockerignoreSendsEverySourceTheBuildersCopyAndNothingElse() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Repo.root().resolve(".dockerignore"));
        for (Dockerfile image : List.of(NATIVE, JVM)) {
            for (Dockerfile.Stage stage : image.stages()) {
                for (Dockerfile.Instruction copy : stage.all("COPY")) {
                    if (copy.flags().containsKey("from")) {
                        continue;
                    }
                    List<String> sources = copy.operands().subList(0, copy.operands().size() - 1);
                    for (String source : sources) {
                        List<String> files = filesUnder(Repo.root().resolve(source));
                        assertThat(files).as("files of COPY source %s", source).isNotEmpty();
                        assertThat(files).as("sent to the build").allMatch(ignore::sends);
                    }
                }
            }
        }
        assertThat(List.of("keeper/target/quarkus-app/quarkus-run.jar", "sandbox/target/classes/x.class", ".git",
                "k8s/apps/opencode/opencode-keeper/ks.yaml", "keeper/.sandbox/opencode-flux/auth.json", "node_modules/x/index.js",
                "README.md", "Dockerfile.native", "keeper/src/test/java/cloud/angryninja/keeper/PackagedAppIT.java"))
                .noneMatch(ignore::sends);
    }

    private static List<String> filesUnder(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return List.of(Repo.root().relativize(path).toString());
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile).map(p -> Repo.root().relativize(p).toString()).toList();
        }
    }

    private static String workdir(Dockerfile image) {
        return image.finalStage().last("WORKDIR").orElseThrow().arguments();
    }

    private static String builderWorkdir(Dockerfile image) {
        return image.stage("builder").last("WORKDIR").orElseThrow().arguments();
    }

    private static int javaRelease() {
        Matcher m = Pattern.compile("<maven\\.compiler\\.release>(\\d+)</maven\\.compiler\\.release>").matcher(POM);
        assertThat(m.find()).as("maven.compiler.release in pom.xml").isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String nativeProfileProperty() {
        Matcher m = Pattern.compile("<id>native</id>\\s*<activation>\\s*<property>\\s*<name>(\\w+)</name>").matcher(KEEPER_POM);
        assertThat(m.find()).as("native profile activated by a property in keeper/pom.xml").isTrue();
        return m.group(1);
    }
}
