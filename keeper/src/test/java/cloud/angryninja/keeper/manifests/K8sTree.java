package cloud.angryninja.keeper.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The repository's {@code k8s/} tree as Flux sees it: every kustomization folder, the Flux
 * Kustomization ({@code ks.yaml}) that points at it, and its build after Flux's substitution
 * ({@link #build}): the resources Flux would apply. The tree refers to the cluster's own
 * {@code kubernetes/templates/volsync}, so a folder is built where the adoption contract puts it,
 * in {@link ClusterSnapshot#adopted()}, with the substitution cluster-apps gives it (stand-in
 * secrets, domain {@link ClusterSnapshot#DOMAIN}). Used by the workspaces' tests and the keeper's
 * deployment tests alike.
 */
public final class K8sTree {

    /** The two OpenCode workspaces' Flux Kustomizations (and app names). */
    public static final List<String> WORKSPACES = List.of("opencode-flux", "opencode-ha");
    /** The keeper's own Flux Kustomization (and app name). */
    public static final String KEEPER = "opencode-keeper";
    /** The namespace's secret store (SecretStore doppler-opencode-keeper and its token), a Flux Kustomization of its own. */
    public static final String STORES = "opencode-stores";

    private static final Map<Path, List<JsonNode>> BUILDS = new ConcurrentHashMap<>();

    private K8sTree() {
    }

    public static Path k8s() {
        return Repo.root().resolve("k8s");
    }

    /** The app folder of an app of the opencode namespace, e.g. k8s/apps/opencode/opencode-flux/app. */
    public static Path app(String app) {
        return k8s().resolve("apps/opencode").resolve(app).resolve("app");
    }

    public static Path keeperApp() {
        return app(KEEPER);
    }

    /** Every folder under k8s/ with a kustomization.yaml that is not a Component (components build through their users). */
    public static List<Path> kustomizationDirs() {
        try (Stream<Path> files = Files.walk(k8s())) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .filter(p -> !"Component".equals(Yaml.read(p).path("kind").asText()))
                    .map(Path::getParent)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Flux Kustomization from a ks.yaml. */
    public record FluxKustomization(Path file, JsonNode manifest) {
        public String name() {
            return manifest.path("metadata").path("name").asText();
        }

        public JsonNode spec() {
            return manifest.path("spec");
        }

        /** The folder of k8s/ that spec.path names once k8s/ is adopted as kubernetes/. */
        public Path path() {
            String path = spec().path("path").asText();
            String prefix = "./kubernetes/";
            assertThat(path).as("spec.path of %s", name()).startsWith(prefix);
            return k8s().resolve(path.substring(prefix.length())).normalize();
        }

        public Map<String, String> substitute() {
            Map<String, String> vars = new LinkedHashMap<>();
            spec().path("postBuild").path("substitute").properties().forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
            return vars;
        }

        public String targetNamespace() {
            return spec().path("targetNamespace").asText(null);
        }

        public List<String> dependsOn() {
            return spec().path("dependsOn").findValuesAsText("name");
        }
    }

    public static List<FluxKustomization> fluxKustomizations() {
        try (Stream<Path> files = Files.walk(k8s())) {
            return files.filter(p -> p.getFileName().toString().equals("ks.yaml"))
                    .sorted()
                    .flatMap(p -> Yaml.readAll(p).stream().map(doc -> new FluxKustomization(p, doc)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Flux Kustomization named {@code name}. */
    public static FluxKustomization fluxKustomization(String name) {
        List<FluxKustomization> found = fluxKustomizations().stream().filter(ks -> ks.name().equals(name)).toList();
        assertThat(found).as("Flux Kustomizations named %s", name).hasSize(1);
        return found.getFirst();
    }

    /** The Flux Kustomization whose spec.path is this folder, if one in the tree is. */
    public static Optional<FluxKustomization> fluxKustomizationOf(Path dir) {
        Path wanted = dir.toAbsolutePath().normalize();
        List<FluxKustomization> matches = fluxKustomizations().stream().filter(ks -> ks.path().equals(wanted)).toList();
        assertThat(matches).as("Flux Kustomizations pointing at %s", dir).hasSizeLessThanOrEqualTo(1);
        return matches.stream().findFirst();
    }

    /** {@code kubectl kustomize dir}, raw; a folder of k8s/ is built where adoption puts it ({@link ClusterSnapshot#adopted()}). */
    public static String kustomize(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.startsWith(k8s())) {
            dir = ClusterSnapshot.adopted().root().resolve("kubernetes").resolve(k8s().relativize(abs).toString());
        }
        Path kubectl = Tools.require("kubectl");
        Tools.Result r = Tools.run(Repo.root(), Duration.ofSeconds(60), kubectl.toString(), "kustomize", dir.toString());
        if (r.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + r.stderr());
        }
        return r.stdout();
    }

    /**
     * The resources Flux would apply from this folder of k8s/: built where adoption puts it, then
     * substituted with cluster-apps' variables and its ks.yaml's own (strictly).
     */
    public static List<JsonNode> build(Path dir) {
        return BUILDS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
            ClusterSnapshot cluster = ClusterSnapshot.adopted();
            Map<String, String> vars = fluxKustomizationOf(d).map(ks -> cluster.vars(cluster.kustomization(ks.name())))
                    .orElseGet(cluster::clusterVars);
            return FluxSubstitution.substituteBuild(kustomize(d), vars).stream().map(Yaml::read).toList();
        });
    }

    public static JsonNode single(List<JsonNode> resources, String kind) {
        List<JsonNode> found = all(resources, kind);
        assertThat(found).as("resources of kind %s", kind).hasSize(1);
        return found.getFirst();
    }

    public static List<JsonNode> all(List<JsonNode> resources, String kind) {
        return resources.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
    }

    public static JsonNode named(List<JsonNode> resources, String kind, String name) {
        List<JsonNode> found = all(resources, kind).stream().filter(r -> name.equals(name(r))).toList();
        assertThat(found).as("%s named %s", kind, name).hasSize(1);
        return found.getFirst();
    }

    public static String name(JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }

    /** "Kind/name", for messages. */
    public static String id(JsonNode resource) {
        return resource.path("kind").asText() + "/" + name(resource);
    }

    /**
     * The optional rules of the keeper's Role, written commented out in {@code app/rbac.yaml} between
     * {@code # BEGIN <block>} and {@code # END <block>}, uncommented and parsed: a list of rules.
     */
    public static JsonNode optionalRoleRules(String block) {
        List<String> lines;
        try {
            lines = Files.readAllLines(keeperApp().resolve("rbac.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int begin = lines.indexOf("  # BEGIN " + block);
        int end = lines.indexOf("  # END " + block);
        assertThat(begin).as("rbac.yaml marks the optional " + block + " rules").isNotNegative();
        assertThat(end).isGreaterThan(begin + 1);
        String rules = lines.subList(begin + 1, end).stream().map(l -> {
            assertThat(l).startsWith("  # ");
            return l.substring(4);
        }).collect(Collectors.joining("\n"));
        JsonNode parsed = Yaml.read(rules);
        assertThat(parsed.isArray()).as("a list of rules").isTrue();
        return parsed;
    }
}
