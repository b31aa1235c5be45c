package cloud.angryninja.keeper.copilot;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads OpenCode's auth.json: either the whole file (a map providerID -> credential) or a bare
 * {@code github-copilot} entry, and returns the Copilot credential.
 *
 * <p>Error messages say what is wrong and where, never what the text holds: parser messages quote
 * the input, so they are not passed on.
 */
public final class AuthJson {

    public static final String PROVIDER_ID = "github-copilot";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthJson() {
    }

    /** @throws AuthJsonException with a message safe to log and return */
    public static CopilotCredential parse(String text) {
        if (text == null || text.isBlank()) {
            throw new AuthJsonException("auth.json is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new AuthJsonException("auth.json is not valid JSON" + where);
        }
        if (root == null || !root.isObject()) {
            throw new AuthJsonException("auth.json must be a JSON object");
        }
        JsonNode entry = root.has("refresh") || root.has("type") ? root : root.get(PROVIDER_ID);
        if (entry == null || entry.isNull()) {
            throw new AuthJsonException("auth.json has no " + PROVIDER_ID + " entry");
        }
        if (!entry.isObject()) {
            throw new AuthJsonException("the " + PROVIDER_ID + " entry of auth.json must be a JSON object");
        }
        JsonNode type = entry.get("type");
        if (type != null && !"oauth".equals(type.asText())) {
            throw new AuthJsonException("the " + PROVIDER_ID + " entry must have type \"oauth\"");
        }
        JsonNode refresh = entry.get("refresh");
        if (refresh == null || !refresh.isTextual() || refresh.asText().isBlank()) {
            throw new AuthJsonException("the " + PROVIDER_ID + " entry has no refresh token");
        }
        JsonNode enterprise = entry.get("enterpriseUrl");
        if (enterprise != null && !enterprise.isNull() && !enterprise.isTextual()) {
            throw new AuthJsonException("the " + PROVIDER_ID + " entry's enterpriseUrl must be a string");
        }
        Optional<String> enterpriseUrl = enterprise == null || enterprise.isNull() || enterprise.asText().isBlank()
                ? Optional.empty()
                : Optional.of(enterprise.asText());
        return new CopilotCredential(refresh.asText(), enterpriseUrl);
    }
}
