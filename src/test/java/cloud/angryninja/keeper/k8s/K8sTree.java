package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The repository's {@code k8s/} tree as Flux sees it: every kustomization directory, the Flux
 * Kustomization ({@code ks.yaml}) that points at it, and its build after Flux's substitution.
 */
final class K8sTree {

    /** Where the shared JSON schemas are: system property, then environment, then ../shared/schemas. */
    static final String SCHEMAS_PROPERTY = "keeper.schemas.dir";
    static final String SCHEMAS_ENV = "KEEPER_SCHEMAS_DIR";

    private static final Map<Path, List<JsonNode>> BUILDS = new ConcurrentHashMap<>();

    private K8sTree() {
    }

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("k8s"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new AssertionError("no k8s/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path k8s() {
        return repoRoot().resolve("k8s");
    }

    static Path schemasDir() {
        String configured = System.getProperty(SCHEMAS_PROPERTY, System.getenv(SCHEMAS_ENV));
        Path dir = configured != null ? Path.of(configured) : repoRoot().resolve("../shared/schemas").normalize();
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("JSON schemas not found at " + dir + " (set -D" + SCHEMAS_PROPERTY + "=... or "
                    + SCHEMAS_ENV + "; CI places shared/ beside the repository)");
        }
        return dir;
    }

    /** Every folder under k8s/ with a kustomization.yaml that is not a Component (components build through their users). */
    static List<Path> kustomizationDirs() {
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
    record FluxKustomization(Path file, JsonNode manifest) {
        String name() {
            return manifest.path("metadata").path("name").asText();
        }

        Path path() {
            return repoRoot().resolve(manifest.path("spec").path("path").asText()).normalize();
        }

        Map<String, String> substitute() {
            Map<String, String> vars = new LinkedHashMap<>();
            manifest.path("spec").path("postBuild").path("substitute").properties()
                    .forEach(e -> vars.put(e.getKey(), e.getValue().asText()));
            return vars;
        }

        String targetNamespace() {
            return manifest.path("spec").path("targetNamespace").asText(null);
        }
    }

    static List<FluxKustomization> fluxKustomizations() {
        try (Stream<Path> files = Files.walk(k8s())) {
            return files.filter(p -> p.getFileName().toString().equals("ks.yaml"))
                    .sorted()
                    .flatMap(p -> Yaml.readAll(p).stream().map(doc -> new FluxKustomization(p, doc)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Flux Kustomization whose spec.path is this folder, if one in the tree is. */
    static Optional<FluxKustomization> fluxKustomizationOf(Path dir) {
        Path wanted = dir.toAbsolutePath().normalize();
        List<FluxKustomization> matches = fluxKustomizations().stream().filter(ks -> ks.path().equals(wanted)).toList();
        assertThat(matches).as("Flux Kustomizations pointing at %s", dir).hasSizeLessThanOrEqualTo(1);
        return matches.stream().findFirst();
    }

    /** {@code kubectl kustomize dir}, raw. */
    static String kustomize(Path dir) {
        Path kubectl = Tools.require("kubectl");
        Tools.Result r = Tools.run(List.of(kubectl.toString(), "kustomize", dir.toString()), null, Map.of(), false,
                Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + k8s().relativize(dir) + " failed:\n" + r.stderr());
        }
        return r.stdout();
    }

    /** The resources Flux would apply from this folder: build, then substitute with its ks.yaml's values. */
    static List<JsonNode> build(Path dir) {
        return BUILDS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
            Map<String, String> vars = fluxKustomizationOf(d).map(FluxKustomization::substitute).orElse(Map.of());
            List<JsonNode> resources = new ArrayList<>();
            for (String doc : FluxSubstitution.substituteBuild(kustomize(d), vars)) {
                resources.add(Yaml.read(doc));
            }
            return List.copyOf(resources);
        });
    }

    /** The app folder of a workspace, e.g. k8s/apps/opencode/opencode-flux/app. */
    static Path workspaceApp(String app) {
        return k8s().resolve("apps/opencode").resolve(app).resolve("app");
    }

    static final List<String> WORKSPACES = List.of("opencode-flux", "opencode-ha");

    static JsonNode single(List<JsonNode> resources, String kind) {
        List<JsonNode> found = all(resources, kind);
        assertThat(found).as("resources of kind %s", kind).hasSize(1);
        return found.get(0);
    }

    static List<JsonNode> all(List<JsonNode> resources, String kind) {
        return resources.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
    }

    static String name(JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }
}
