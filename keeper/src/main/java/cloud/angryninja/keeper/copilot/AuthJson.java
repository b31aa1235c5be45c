package cloud.angryninja.keeper.copilot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads OpenCode's auth.json: either the whole file (a map providerID -> credential) or a bare
 * {@code github-copilot} entry, and returns the Copilot credential, held to the strict model of
 * {@link CopilotEntry}. The JSON itself is read strictly too: exactly one value, nothing after it, no
 * duplicate key.
 *
 * <p>Error messages say what is wrong and where, never what the text holds: parser messages quote
 * the input, so they are not passed on.
 */
public final class AuthJson {

    public static final String PROVIDER_ID = "github-copilot";

    private static final ObjectReader STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .reader();

    private AuthJson() {
    }

    /** How strict JSON reading failed: not JSON (or text after the value), or a key given twice. */
    public enum JsonProblem {
        INVALID, DUPLICATE_KEY
    }

    /** JSON text refused by {@link #readStrict}; the message names the place, never the text. */
    public static final class StrictJsonException extends AuthJsonException {
        private final JsonProblem problem;

        StrictJsonException(JsonProblem problem, String message) {
            super(message);
            this.problem = problem;
        }

        public JsonProblem problem() {
            return problem;
        }
    }

    /**
     * Reads exactly one JSON value with nothing but white space after it, refusing a key given twice in one object;
     * numbers with a fraction or exponent are kept exact ({@code 1e999999} is not turned into infinity).
     *
     * @param what how the message names the text ("auth.json", "the body")
     * @throws StrictJsonException never quoting the input
     */
    public static JsonNode readStrict(byte[] text, String what) {
        try {
            JsonNode root = STRICT.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new StrictJsonException(JsonProblem.INVALID, what + " holds no JSON value");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            if (e instanceof JsonParseException && e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                throw new StrictJsonException(JsonProblem.DUPLICATE_KEY, what + " has a key given twice in one object" + where);
            }
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
                throw new StrictJsonException(JsonProblem.INVALID, what + " has text after its JSON value" + where);
            }
            throw new StrictJsonException(JsonProblem.INVALID, what + " is not valid JSON" + where);
        } catch (IOException e) {
            throw new StrictJsonException(JsonProblem.INVALID, what + " could not be read as JSON");
        }
    }

    /** @throws AuthJsonException with a message safe to log and return */
    public static CopilotCredential parse(String text) {
        return parseEntry(text).credential();
    }

    /** The strict github-copilot entry of an auth.json (or of a bare entry). */
    public static CopilotEntry parseEntry(String text) {
        if (text == null || text.isBlank()) {
            throw new AuthJsonException("auth.json is empty");
        }
        JsonNode root = readStrict(text.getBytes(StandardCharsets.UTF_8), "auth.json");
        if (!root.isObject()) {
            throw new AuthJsonException("auth.json must be a JSON object");
        }
        JsonNode entry = isBareEntry(root) ? root : root.get(PROVIDER_ID);
        if (entry == null || entry.isNull()) {
            throw new AuthJsonException("auth.json has no " + PROVIDER_ID + " entry");
        }
        if (!entry.isObject()) {
            throw new AuthJsonException("the " + PROVIDER_ID + " entry of auth.json must be a JSON object");
        }
        return CopilotEntry.of(entry);
    }

    /** Pure: the object is a bare github-copilot entry rather than a whole auth.json. */
    public static boolean isBareEntry(JsonNode root) {
        return root.has("refresh") || root.has("type");
    }
}
