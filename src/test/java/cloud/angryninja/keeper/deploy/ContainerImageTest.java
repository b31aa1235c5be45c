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

/**
 * What can be checked of the two Dockerfiles without Docker: base images against the build,
 * non-root user, port, working directory against the in-cluster config mount, and the build
 * context that .dockerignore lets through. The layout they copy out of target/ is checked against
 * a real package by ContainerImageLayoutIT.
 */
class ContainerImageTest {

    static final Dockerfile NATIVE = Dockerfile.read(Repo.root().resolve("Dockerfile.native"));
    static final Dockerfile JVM = Dockerfile.read(Repo.root().resolve("Dockerfile.jvm"));
    static final String POM = Repo.read(Repo.root().resolve("pom.xml"));
    static final JsonNode HELM_VALUES = Yaml.read(K8sTree.keeperApp().resolve("helmrelease.yaml")).path("spec").path("values");
    static final JsonNode KEEPER_CONTAINER = HELM_VALUES.path("controllers").path("opencode-keeper").path("containers").path("app");

    @Test
    void nativeImageIsBuiltByTheMandrelBuilderForThisJavaRelease() {
        Dockerfile.Stage builder = NATIVE.stage("builder");
        Matcher tag = Pattern.compile("quay\\.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-(\\d+)").matcher(builder.image());
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
            assertThat(copy.operands()).containsExactly(builderWorkdir(NATIVE) + "/target/*-runner", "/deployments/application");
        });
        assertThat(NATIVE.finalStage().last("ENTRYPOINT").orElseThrow().arguments())
                .startsWith("[\"/deployments/application\"").contains("-Dquarkus.http.host=0.0.0.0");
    }

    @Test
    void jvmImageRunsTheFastJarOnAJava21OrNewerRuntime() {
        Matcher builder = Pattern.compile("registry\\.access\\.redhat\\.com/ubi9/openjdk-(\\d+):[\\d.]+").matcher(JVM.stage("builder").image());
        Matcher runtime = Pattern.compile("registry\\.access\\.redhat\\.com/ubi9/openjdk-(\\d+)-runtime:[\\d.]+").matcher(JVM.finalStage().image());
        assertThat(builder.matches()).as("builder %s", JVM.stage("builder").image()).isTrue();
        assertThat(runtime.matches()).as("runtime %s", JVM.finalStage().image()).isTrue();
        assertThat(Integer.parseInt(runtime.group(1))).isGreaterThanOrEqualTo(javaRelease());
        assertThat(JVM.finalStage().env("JAVA_APP_JAR")).contains("/deployments/quarkus-run.jar");
        // run-java.sh changes into JAVA_APP_DIR: it must be the working directory the config is found from.
        assertThat(JVM.finalStage().env("JAVA_APP_DIR")).contains(workdir(JVM));
    }

    /**
     * The JVM image runs with the flags the start-up benchmark measured and the README recommends:
     * run-java.sh puts GC_CONTAINER_OPTIONS and its heap free ratios (10/20 unless GC_*_HEAP_FREE_RATIO
     * is set) first, then JAVA_OPTS_APPEND; a JAVA_OPTS would drop both.
     */
    @Test
    void jvmImageRunsWithTheMeasuredJvmFlags() {
        Dockerfile.Stage runtime = JVM.finalStage();
        assertThat(runtime.env("JAVA_OPTS")).isEmpty();
        assertThat(runtime.env("GC_MIN_HEAP_FREE_RATIO")).isEmpty();
        assertThat(runtime.env("GC_MAX_HEAP_FREE_RATIO")).isEmpty();
        List<String> appended = List.of(runtime.env("JAVA_OPTS_APPEND").orElseThrow().split("\\s+"));
        List<String> flags = new ArrayList<>(List.of(runtime.env("GC_CONTAINER_OPTIONS").orElseThrow().split("\\s+")));
        flags.addAll(List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20"));
        flags.addAll(appended);
        assertThat(flags).containsAll(PackagedKeeper.RECOMMENDED_JVM_FLAGS);
        // The class-data archive goes to /tmp, the one writable folder of the keeper's pod.
        assertThat(appended).contains("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=/tmp/keeper.jsa");
        assertThat(HELM_VALUES.path("persistence").path("tmp").path("globalMounts").get(0).path("path").asText()).isEqualTo("/tmp");
        assertThat(Repo.read(Repo.root().resolve("docs/benchmarks.md"))).contains("`" + String.join(" ", PackagedKeeper.RECOMMENDED_JVM_FLAGS) + "`");
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
        assertThat(List.of("target/quarkus-app/quarkus-run.jar", ".git", "k8s/apps/opencode/opencode-keeper/ks.yaml",
                ".sandbox/opencode-flux/auth.json", "node_modules/x/index.js", "README.md", "Dockerfile.native"))
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
        Matcher m = Pattern.compile("<id>native</id>\\s*<activation>\\s*<property>\\s*<name>(\\w+)</name>").matcher(POM);
        assertThat(m.find()).as("native profile activated by a property in pom.xml").isTrue();
        return m.group(1);
    }
}
