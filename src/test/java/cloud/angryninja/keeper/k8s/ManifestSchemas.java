package cloud.angryninja.keeper.k8s;

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
 * Validates Kubernetes manifests against the JSON schemas in {@code shared/schemas}: custom
 * resources by {@code <group>/<kind>_<version>.json}, HelmRelease values of bjw-s app-template
 * against the common library's values schema. Core kinds (the schemas hold CRDs only) get a
 * structural check of the fields this tree relies on.
 */
final class ManifestSchemas {

    /** The $id prefix of the bjw-s values schema; its relative $refs resolve under it. */
    static final String BJW_S_ID_PREFIX = "https://raw.githubusercontent.com/bjw-s-labs/helm-charts/common-4.1.1/charts/library/common/";
    static final String BJW_S_DIR = "bjw-s-common-4.1.1";

    private static final Set<String> CORE_KINDS = Set.of("Namespace", "ConfigMap", "PersistentVolumeClaim");

    private final Path dir;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().build();
    private final Map<Path, JsonSchema> schemas = new ConcurrentHashMap<>();

    ManifestSchemas(Path dir) {
        this.dir = dir;
        String bjwsLocal = dir.resolve(BJW_S_DIR).toUri().toString();
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BJW_S_ID_PREFIX, bjwsLocal)));
    }

    /** The schema file for a manifest's apiVersion and kind (CRDs only). */
    Path schemaFile(JsonNode manifest) {
        String apiVersion = manifest.path("apiVersion").asText();
        String kind = manifest.path("kind").asText();
        int slash = apiVersion.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("core apiVersion " + apiVersion + " has no CRD schema");
        }
        return dir.resolve(apiVersion.substring(0, slash))
                .resolve(kind.toLowerCase(Locale.ROOT) + "_" + apiVersion.substring(slash + 1) + ".json");
    }

    /** Every violation of the manifest's schema (empty = valid); a kind without a schema is a violation. */
    List<String> validate(JsonNode manifest) {
        String kind = manifest.path("kind").asText();
        if ("v1".equals(manifest.path("apiVersion").asText()) && CORE_KINDS.contains(kind)) {
            return validateCore(manifest);
        }
        Path file;
        try {
            file = schemaFile(manifest);
        } catch (IllegalArgumentException e) {
            return List.of(kind + ": " + e.getMessage());
        }
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
    List<String> validateAppTemplateValues(JsonNode values) {
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

    private static List<String> validateCore(JsonNode m) {
        List<String> errors = new ArrayList<>();
        if (m.path("metadata").path("name").asText("").isEmpty()) {
            errors.add(m.path("kind").asText() + ": metadata.name is required");
        }
        switch (m.path("kind").asText()) {
            case "PersistentVolumeClaim" -> {
                JsonNode spec = m.path("spec");
                if (!spec.path("accessModes").isArray() || spec.path("accessModes").isEmpty()) {
                    errors.add("PersistentVolumeClaim: spec.accessModes is required");
                }
                if (!spec.path("resources").path("requests").path("storage").isTextual()) {
                    errors.add("PersistentVolumeClaim: spec.resources.requests.storage is required");
                }
                spec.properties().forEach(e -> {
                    if (!Set.of("accessModes", "resources", "storageClassName", "dataSource", "dataSourceRef", "volumeMode",
                            "selector", "volumeName").contains(e.getKey())) {
                        errors.add("PersistentVolumeClaim: unknown field spec." + e.getKey());
                    }
                });
            }
            case "ConfigMap" -> m.path("data").properties().forEach(e -> {
                if (!e.getValue().isTextual()) {
                    errors.add("ConfigMap: data." + e.getKey() + " must be a string");
                }
            });
            default -> {
            }
        }
        return errors;
    }
}
