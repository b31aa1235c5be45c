package cloud.angryninja.keeper.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.yaml.snakeyaml.Yaml;

/** YAML manifests as Jackson trees: single files, and the output of {@code kubectl kustomize}. */
final class Manifests {

    static final ObjectMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private Manifests() {
    }

    static JsonNode readYaml(Path file) {
        return parseAll(Tools.read(file)).getFirst();
    }

    /** Every document of a YAML text; anchors and aliases resolved (SnakeYAML does, Jackson's reader does not). */
    static List<JsonNode> parseAll(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            for (Object doc : new Yaml().loadAll(yaml)) {
                JsonNode node = JSON.valueToTree(doc);
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    docs.add(node);
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError("not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    /** {@code kubectl kustomize dir}, parsed; fails when kubectl is missing or the build fails. */
    static List<JsonNode> kustomize(Path dir) {
        Path kubectl = Tools.require("kubectl", "install kubectl (it builds every kustomization under k8s/)");
        Tools.Result result = Tools.run(Tools.REPO, Duration.ofMinutes(1), kubectl.toString(), "kustomize", dir.toString());
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + result.output());
        }
        return parseAll(result.output());
    }

    static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + ", found " + found.size());
        }
        return found.getFirst();
    }

    static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }
}
