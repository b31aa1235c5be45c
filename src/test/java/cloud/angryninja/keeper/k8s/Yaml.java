package cloud.angryninja.keeper.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/** YAML in, Jackson trees out. */
final class Yaml {

    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private Yaml() {
    }

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return read(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a (multi-document) YAML file. */
    static List<JsonNode> readAll(Path file) {
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            MAPPER.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !node.isMissingNode() && !node.isNull()) {
                    docs.add(node);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
