package cloud.angryninja.keeper.doppler;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** JSON shapes of the Doppler API. Their {@code toString} never shows a secret value. */
public final class DopplerModels {

    private DopplerModels() {
    }

    /** Body of {@code POST /v3/configs/config/secrets}. */
    @RegisterForReflection
    public record WriteRequest(String project, String config, Map<String, String> secrets) {
        @Override
        public String toString() {
            return "WriteRequest[project=" + project + ", config=" + config + ", names=" + secrets.keySet() + "]";
        }
    }

    /** Answer of {@code GET /v3/configs/config/secret}. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SecretReply(String name, SecretValue value) {
        @Override
        public String toString() {
            return "SecretReply[name=" + name + "]";
        }
    }

    /** {@code raw} is the value as stored; {@code computed} has references resolved. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SecretValue(String raw, String computed) {
        @Override
        public String toString() {
            return "SecretValue[redacted]";
        }
    }

    /** Error body: {@code {"messages":[...],"success":false}}. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ErrorReply(List<String> messages) {
    }
}
