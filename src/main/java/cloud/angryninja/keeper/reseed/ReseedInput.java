package cloud.angryninja.keeper.reseed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.copilot.AuthJson;
import cloud.angryninja.keeper.copilot.AuthJsonException;
import cloud.angryninja.keeper.copilot.CopilotCredential;

/**
 * Pure: reads the body of {@code POST /reseed}, the laptop's whole auth.json or its bare {@code github-copilot}
 * entry, and reduces it to the one entry the workspaces get. Other providers' credentials are dropped and only
 * named. Messages say what is wrong and where, never what the body holds.
 */
public final class ReseedInput {

    /** Largest body accepted: 64 KiB. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReseedInput() {
    }

    /**
     * A valid body.
     *
     * @param authJson         the reduced auth.json written to Doppler: {@code {"github-copilot":{...}}}; a secret
     * @param credential       the Copilot credential it holds
     * @param ignoredProviders other providers the body held, dropped (names only)
     */
    public record Parsed(String authJson, CopilotCredential credential, List<String> ignoredProviders) {

        /** Never prints the credential. */
        @Override
        public String toString() {
            return "Parsed[" + credential + ", ignored=" + ignoredProviders + "]";
        }
    }

    /** A body refused: {@code status} is the HTTP status (400, 413, 422). */
    public static final class Rejected extends IllegalArgumentException {
        private final int status;

        public Rejected(int status, String message) {
            super(message, null);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** @throws Rejected 413 over {@link #MAX_BYTES}, 400 not a JSON object, 422 no usable github-copilot entry */
    public static Parsed parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new Rejected(400, "the body is empty: send the auth.json (or its github-copilot entry) as the request body");
        }
        if (body.length > MAX_BYTES) {
            throw tooLarge();
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new Rejected(400, "the body is not valid JSON" + where);
        } catch (IOException e) {
            throw new Rejected(400, "the body could not be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Rejected(400, "the body must be a JSON object: the auth.json, or its github-copilot entry");
        }
        boolean bareEntry = root.has("refresh") || root.has("type");
        JsonNode entry = bareEntry ? root : root.get(AuthJson.PROVIDER_ID);
        List<String> ignored = new ArrayList<>();
        if (!bareEntry) {
            for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!name.equals(AuthJson.PROVIDER_ID)) {
                    ignored.add(name);
                }
            }
        }
        if (entry == null || entry.isNull()) {
            throw new Rejected(422, "no " + AuthJson.PROVIDER_ID + " entry" + (ignored.isEmpty() ? "" : " (found only " + ignored + ")")
                    + ": log in to GitHub Copilot in OpenCode on the laptop first");
        }
        if (!entry.isObject()) {
            throw new Rejected(422, "the " + AuthJson.PROVIDER_ID + " entry must be a JSON object");
        }
        JsonNode type = entry.get("type");
        if (type == null || !"oauth".equals(type.asText())) {
            throw new Rejected(422, "the " + AuthJson.PROVIDER_ID + " entry must have \"type\": \"oauth\"");
        }
        JsonNode refresh = entry.get("refresh");
        if (refresh == null || !refresh.isTextual() || refresh.asText().isBlank()) {
            throw new Rejected(422, "the " + AuthJson.PROVIDER_ID + " entry has no non-empty \"refresh\" token");
        }
        ObjectNode reduced = JsonNodeFactory.instance.objectNode();
        reduced.set(AuthJson.PROVIDER_ID, entry.deepCopy());
        String text = reduced.toString();
        CopilotCredential credential;
        try {
            credential = AuthJson.parse(text);
        } catch (AuthJsonException e) {
            throw new Rejected(422, e.getMessage());
        }
        return new Parsed(text, credential, List.copyOf(ignored));
    }

    public static Rejected tooLarge() {
        return new Rejected(413, "the body is larger than " + MAX_BYTES / 1024 + " KiB; an auth.json is a few hundred bytes");
    }
}
