package cloud.angryninja.keeper.manifests;

import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON5 as Renovate's config files use it ({@code renovate.json5}): JSON plus comments, trailing commas, unquoted
 * keys and single-quoted strings, read with Jackson's lenient features. Anything beyond those fails loudly.
 */
public final class Json5 {

    private static final JsonMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                    JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .build();

    private Json5() {
    }

    public static JsonNode read(String text) {
        try {
            return READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON5 as Renovate reads it: " + e.getOriginalMessage(), e);
        }
    }

    public static JsonNode read(Path file) {
        return read(Repo.read(file));
    }
}
