package cloud.angryninja.keeper.manifests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates Kubernetes manifests against JSON schemas, all vendored in {@code src/test/resources/schemas}
 * ({@code <group>/<kind>_<version>.json}; README there says where each comes from): custom resources
 * against the CRD schemas of the exact versions the cluster runs, HelmRelease values of bjw-s
 * app-template against the common library's values schema, and the core kinds the tree uses
 * ({@code core/<kind>_v1.json} for the core group) against the project's own schemas.
 */
public final class ManifestSchemas {

    /** The $id prefix of the bjw-s values schema; its relative $refs resolve under it. */
    static final String BJW_S_ID_PREFIX = "https://raw.githubusercontent.com/bjw-s-labs/helm-charts/common-4.1.1/charts/library/common/";
    static final String BJW_S_DIR = "bjw-s-common-4.1.1";

    private final Path dir;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().build();
    private final Map<Path, JsonSchema> schemas = new ConcurrentHashMap<>();

    /** The repository's vendored schemas. */
    public ManifestSchemas() {
        this(vendoredDir());
    }

    ManifestSchemas(Path dir) {
        this.dir = dir;
        String bjwsLocal = dir.resolve(BJW_S_DIR).toUri().toString();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BJW_S_ID_PREFIX, bjwsLocal)));
    }

    /** src/test/resources/schemas of this repository. */
    public static Path vendoredDir() {
        Path vendored = Repo.path("keeper/src/test/resources/schemas");
        if (!Files.isDirectory(vendored.resolve(BJW_S_DIR))) {
            throw new AssertionError("vendored JSON schemas not found at " + vendored);
        }
        return vendored;
    }

    /** The schema file for a manifest's apiVersion and kind (it may not exist). */
    public Path schemaFile(JsonNode manifest) {
        String apiVersion = manifest.path("apiVersion").asText();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "core" : apiVersion.substring(0, slash);
        String file = manifest.path("kind").asText().toLowerCase(Locale.ROOT) + "_" + apiVersion.substring(slash + 1) + ".json";
        return dir.resolve(group).resolve(file);
    }

    /** Every violation of the manifest's schema (empty = valid); a kind without a schema is a violation. */
    public List<String> validate(JsonNode manifest) {
        String kind = manifest.path("kind").asText();
        Path file = schemaFile(manifest);
        if (!Files.isRegularFile(file)) {
            return List.of(manifest.path("apiVersion").asText() + " " + kind + ": no schema at " + file);
        }
        List<String> errors = messages(schema(file).validate(manifest));
        if ("HelmRelease".equals(kind)) {
            errors.addAll(validateAppTemplateValues(manifest.path("spec").path("values")));
        }
        return errors;
    }

    /** bjw-s app-template values against the common library 4.1.1 values schema. */
    public List<String> validateAppTemplateValues(JsonNode values) {
        List<String> errors = messages(schema(dir.resolve(BJW_S_DIR).resolve("values.schema.json")).validate(values));
        return errors.stream().map(e -> "spec.values (bjw-s common 4.1.1): " + e).toList();
    }

    private JsonSchema schema(Path file) {
        return schemas.computeIfAbsent(file, f -> factory.getSchema(SchemaLocation.of(f.toUri().toString()), config));
    }

    private static List<String> messages(Set<ValidationMessage> messages) {
        List<String> result = new ArrayList<>();
        messages.forEach(m -> result.add(m.getMessage()));
        result.sort(String::compareTo);
        return result;
    }
}
