package cloud.angryninja.keeper.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The cluster's repository (jbaker48/k8s-cluster) as a person has it, and the same repository after
 * adopting this project's {@code k8s/} by the contract of docs/deploy.md: every file of {@code k8s/}
 * copied to the same path under {@code kubernetes/} (a file that exists already fails: adopting
 * replaces nothing), then {@code git apply} of the one patch in {@code docs/adopt/}.
 *
 * <p>Both copies are built as Flux builds them: {@code cluster-apps} ({@code kubernetes/flux/apps.yaml})
 * builds every {@code kubernetes/apps/<namespace>/kustomization.yaml} into Flux Kustomizations, adds
 * cluster-settings and cluster-secrets to their substitution (its patch, for every Kustomization not
 * labelled {@code substitution.flux.home.arpa/disabled: "true"}), and each of those builds its
 * {@code spec.path} with that substitution plus its own {@code postBuild.substitute} (which wins).
 * cluster-secrets is SOPS-encrypted: every one of its keys gets a stand-in value, the domain
 * {@link #DOMAIN} (not the cluster's real one).
 *
 * <p>Where the snapshot is: system property {@value #PROPERTY}, else environment variable
 * {@value #ENV}, else {@code ../shared/cluster} beside the repository.
 */
public final class ClusterSnapshot {

    public static final String PROPERTY = "keeper.cluster.dir";
    public static final String ENV = "KEEPER_CLUSTER_DIR";
    /** The stand-in for ${SECRET_DOMAIN}. */
    public static final String DOMAIN = "dropin.example.test";
    /** Label that keeps cluster-apps from adding its substitution to a Kustomization. */
    static final String NO_SUBSTITUTION_LABEL = "substitution.flux.home.arpa/disabled";

    private static ClusterSnapshot pristine;
    private static ClusterSnapshot adopted;

    private final Path root;
    private final Map<String, Optional<List<JsonNode>>> builds = new ConcurrentHashMap<>();
    private List<FluxKs> kustomizations;

    private ClusterSnapshot(Path root) {
        this.root = root;
    }

    /** The snapshot folder the tests read (never written). */
    public static Path location() {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        Path dir = configured != null ? Path.of(configured) : Repo.root().resolve("../shared/cluster").normalize();
        if (!Files.isRegularFile(dir.resolve("kubernetes/flux/apps.yaml"))) {
            throw new AssertionError("the cluster repository is not at " + dir + " (no kubernetes/flux/apps.yaml); point -D"
                    + PROPERTY + "=... or " + ENV + " at a checkout of it");
        }
        return dir;
    }

    /** A copy of the snapshot as it is, shared by the tests of this JVM. */
    public static synchronized ClusterSnapshot pristine() {
        if (pristine == null) {
            pristine = new ClusterSnapshot(copy(location()));
        }
        return pristine;
    }

    /** A copy of the snapshot with k8s/ adopted by the contract, shared by the tests of this JVM. */
    public static synchronized ClusterSnapshot adopted() {
        if (adopted == null) {
            Path copy = copy(location());
            adopt(copy);
            adopted = new ClusterSnapshot(copy);
        }
        return adopted;
    }

    public Path root() {
        return root;
    }

    /** The patch files of docs/adopt/. */
    public static List<Path> adoptionPatches() {
        try (Stream<Path> files = Files.list(Repo.path("docs/adopt"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".patch")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files of k8s/, relative to it. */
    public static List<Path> treeFiles() {
        try (Stream<Path> files = Files.walk(K8sTree.k8s())) {
            return files.filter(Files::isRegularFile).map(p -> K8sTree.k8s().relativize(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contract: copy every file of k8s/ under kubernetes/ (none may exist), then git apply docs/adopt/. */
    static void adopt(Path repo) {
        List<String> collisions = new ArrayList<>();
        for (Path rel : treeFiles()) {
            if (Files.exists(repo.resolve("kubernetes").resolve(rel.toString()))) {
                collisions.add("kubernetes/" + rel);
            }
        }
        assertThat(collisions).as("files of k8s/ that would replace the cluster's own").isEmpty();
        try {
            for (Path rel : treeFiles()) {
                Path target = repo.resolve("kubernetes").resolve(rel.toString());
                Files.createDirectories(target.getParent());
                Files.copy(K8sTree.k8s().resolve(rel), target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path git = Tools.require("git");
        for (Path patch : adoptionPatches()) {
            Tools.Result r = Tools.run(repo, Duration.ofSeconds(30), git.toString(), "apply", "--verbose", patch.toString());
            if (r.exitCode() != 0) {
                throw new AssertionError("git apply " + Repo.root().relativize(patch) + " failed on the cluster snapshot:\n" + r.output());
            }
        }
    }

    private static Path copy(Path from) {
        try {
            Path to = Files.createTempDirectory("cluster-snapshot");
            try (Stream<Path> files = Files.walk(from)) {
                for (Path p : files.filter(p -> !from.relativize(p).startsWith(".git")).toList()) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                        target.toFile().setWritable(true, true);
                    }
                }
            }
            for (Path p : Files.walk(to).toList()) {
                p.toFile().setWritable(true, true);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(to)));
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it otherwise
        }
    }

    /** A Flux Kustomization as the cluster has it: where it was declared and its manifest. */
    public record FluxKs(String file, JsonNode manifest) {
        public String name() {
            return manifest.path("metadata").path("name").asText();
        }

        public String namespace() {
            return manifest.path("metadata").path("namespace").asText("flux-system");
        }

        public JsonNode spec() {
            return manifest.path("spec");
        }

        public String path() {
            return spec().path("path").asText();
        }

        /** Whether cluster-apps adds cluster-settings and cluster-secrets to its substitution. */
        public boolean clusterSubstitution() {
            return !"true".equals(manifest.path("metadata").path("labels").path(NO_SUBSTITUTION_LABEL).asText());
        }
    }

    /** The Flux Kustomizations of the repository: cluster and cluster-apps, and all that cluster-apps builds. */
    public synchronized List<FluxKs> kustomizations() {
        if (kustomizations == null) {
            List<FluxKs> found = new ArrayList<>();
            for (String file : List.of("kubernetes/flux/apps.yaml", "kubernetes/flux/config/cluster.yaml")) {
                Yaml.readAll(root.resolve(file)).stream().filter(d -> "Kustomization".equals(d.path("kind").asText())
                        && d.path("apiVersion").asText().startsWith("kustomize.toolkit.fluxcd.io/")).forEach(d -> found.add(new FluxKs(file, d)));
            }
            for (Path dir : namespaceDirs()) {
                String built = kustomize(dir).orElseThrow(() -> new AssertionError("kustomize build of " + root.relativize(dir) + " failed"));
                for (String doc : FluxSubstitution.substituteBuild(built, clusterVars(), false)) {
                    JsonNode d = Yaml.read(doc);
                    if ("Kustomization".equals(d.path("kind").asText())) {
                        found.add(new FluxKs(root.relativize(dir) + "/kustomization.yaml", d));
                    }
                }
            }
            kustomizations = List.copyOf(found);
        }
        return kustomizations;
    }

    public FluxKs kustomization(String name) {
        List<FluxKs> found = kustomizations().stream().filter(k -> k.name().equals(name)).toList();
        assertThat(found).as("Flux Kustomizations named %s", name).hasSize(1);
        return found.getFirst();
    }

    /** Every kubernetes/apps/<namespace> folder (each must hold a kustomization.yaml, as cluster-apps expects). */
    public List<Path> namespaceDirs() {
        try (Stream<Path> dirs = Files.list(root.resolve("kubernetes/apps"))) {
            List<Path> result = dirs.filter(Files::isDirectory).sorted().toList();
            for (Path d : result) {
                assertThat(d.resolve("kustomization.yaml")).as("cluster-apps builds each namespace folder by its kustomization.yaml")
                        .isRegularFile();
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sources Flux Kustomizations may name: Kind/namespace/name of every GitRepository, OCIRepository, HelmRepository, Bucket. */
    public List<String> sources() {
        List<String> result = new ArrayList<>();
        List<JsonNode> objects = new ArrayList<>();
        for (String dir : List.of("kubernetes/flux/config", "kubernetes/flux/repositories", "kubernetes/flux/vars")) {
            kustomize(root.resolve(dir)).ifPresent(b -> FluxSubstitution.documents(b).forEach(d -> objects.add(Yaml.read(d))));
        }
        for (FluxKs ks : kustomizations()) {
            build(ks, false).ifPresent(objects::addAll);
        }
        for (JsonNode o : objects) {
            String kind = o.path("kind").asText();
            if (List.of("GitRepository", "OCIRepository", "HelmRepository", "Bucket").contains(kind)) {
                result.add(kind + "/" + o.path("metadata").path("namespace").asText("flux-system") + "/" + o.path("metadata").path("name").asText());
            }
        }
        return result;
    }

    /** cluster-settings' data and a stand-in for every key of cluster-secrets (SECRET_DOMAIN = {@link #DOMAIN}). */
    public Map<String, String> clusterVars() {
        Map<String, String> vars = new TreeMap<>();
        Yaml.read(root.resolve("kubernetes/flux/vars/cluster-settings.yaml")).path("data").properties()
                .forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
        Yaml.read(root.resolve("kubernetes/flux/vars/cluster-secrets.sops.yaml")).path("stringData").properties()
                .forEach(e -> vars.put(e.getKey(), "stand-in-" + e.getKey().toLowerCase().replace('_', '-')));
        vars.put("SECRET_DOMAIN", DOMAIN);
        return vars;
    }

    /** The variables a Flux Kustomization substitutes: cluster-apps' (unless opted out), then its own, which win. */
    public Map<String, String> vars(FluxKs ks) {
        Map<String, String> vars = new LinkedHashMap<>(ks.clusterSubstitution() ? clusterVars() : Map.of());
        ks.spec().path("postBuild").path("substitute").properties().forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
        return vars;
    }

    /**
     * What a Flux Kustomization applies: its path built, then substituted ({@code strict}: a variable
     * without value fails, as with Flux's StrictPostBuildSubstitutions). Empty when kustomize cannot build
     * the folder here (a remote resource: only Maven Central, Debian and npm are reachable).
     */
    public Optional<List<JsonNode>> build(FluxKs ks, boolean strict) {
        String key = ks.name() + "/" + strict;
        return builds.computeIfAbsent(key, k -> kustomize(root.resolve(ks.path()).normalize())
                .map(b -> FluxSubstitution.substituteBuild(b, vars(ks), strict).stream().map(Yaml::read).toList()));
    }

    /** The substituted text of each resource of a Flux Kustomization, strictly. */
    public List<String> buildTexts(FluxKs ks) {
        String built = kustomize(root.resolve(ks.path()).normalize()).orElseThrow(() -> new AssertionError("cannot build " + ks.path()));
        return FluxSubstitution.substituteBuild(built, vars(ks), true);
    }

    private final Map<Path, Optional<String>> kustomized = new ConcurrentHashMap<>();

    /**
     * kubectl kustomize of a folder, or empty when it fails. A folder without kustomization.yaml is
     * built as kustomize-controller generates one: its YAML files, and each subfolder (built by its
     * own kustomization.yaml where it has one, else the same way).
     */
    public Optional<String> kustomize(Path dir) {
        Optional<String> known = kustomized.get(dir);
        if (known != null) {
            return known;
        }
        Optional<String> result;
        if (!Files.isRegularFile(dir.resolve("kustomization.yaml"))) {
            result = generated(dir);
        } else {
            Tools.Result r = Tools.run(root, Duration.ofSeconds(60), Tools.require("kubectl").toString(), "kustomize", dir.toString());
            result = r.exitCode() == 0 ? Optional.of(r.stdout()) : Optional.empty();
        }
        kustomized.put(dir, result);
        return result;
    }

    private Optional<String> generated(Path dir) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                Optional<String> part;
                if (Files.isDirectory(p)) {
                    part = kustomize(p);
                } else if ((name.endsWith(".yaml") || name.endsWith(".yml")) && !name.contains(".sops.")) {
                    part = Optional.of(Files.readString(p));
                } else {
                    continue;
                }
                if (part.isEmpty()) {
                    return Optional.empty();
                }
                out.append("---\n").append(part.get()).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(out.toString());
    }

    /** kubectl kustomize's error for a folder that does not build. */
    public String kustomizeError(Path dir) {
        return Tools.run(root, Duration.ofSeconds(60), Tools.require("kubectl").toString(), "kustomize", dir.toString()).stderr();
    }
}
