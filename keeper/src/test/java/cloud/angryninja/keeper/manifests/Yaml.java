package cloud.angryninja.keeper.manifests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * YAML in, Jackson trees out, and back. Read with SnakeYAML, which resolves anchors and aliases
 * ({@code name: &app x} ... {@code APP: *app}) as Kubernetes' YAML reader does; Jackson's own
 * YAML reader would hand back the alias name instead. Like Kubernetes, it leaves timestamps as
 * strings.
 */
public final class Yaml {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final ObjectMapper YAML = new YAMLMapper();

    private Yaml() {
    }

    /** Every non-empty document of a (multi-document) YAML text. */
    public static List<JsonNode> readAll(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            for (Object doc : loader().loadAll(text)) {
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

    public static List<JsonNode> readAll(Path file) {
        return readAll(Repo.read(file));
    }

    /** The one document of a YAML text; an AssertionError when there is not exactly one. */
    public static JsonNode read(String text) {
        List<JsonNode> docs = readAll(text);
        if (docs.size() != 1) {
            throw new AssertionError("expected one YAML document, found " + docs.size());
        }
        return docs.getFirst();
    }

    public static JsonNode read(Path file) {
        return read(Repo.read(file));
    }

    public static void write(Path file, JsonNode content) {
        try {
            Files.writeString(file, YAML.writeValueAsString(content));
        } catch (IOException e) {
            throw new AssertionError("cannot write " + file, e);
        }
    }

    /** The text of each element of a JSON array. */
    public static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    /** The field names of a JSON object, in order. */
    public static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static org.yaml.snakeyaml.Yaml loader() {
        LoaderOptions options = new LoaderOptions();
        DumperOptions dumper = new DumperOptions();
        return new org.yaml.snakeyaml.Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options,
                new NoTimestamps());
    }

    /** SnakeYAML's resolver without the timestamp type: a date stays the string it was written as. */
    private static final class NoTimestamps extends Resolver {
        @Override
        public void addImplicitResolver(org.yaml.snakeyaml.nodes.Tag tag, Pattern regexp, String first) {
            if (!org.yaml.snakeyaml.nodes.Tag.TIMESTAMP.equals(tag)) {
                super.addImplicitResolver(tag, regexp, first);
            }
        }

        @Override
        public void addImplicitResolver(org.yaml.snakeyaml.nodes.Tag tag, Pattern regexp, String first, int limit) {
            if (!org.yaml.snakeyaml.nodes.Tag.TIMESTAMP.equals(tag)) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }
    }
}
