package cloud.angryninja.keeper.reseed;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cloud.angryninja.keeper.copilot.AuthJson;
import cloud.angryninja.keeper.copilot.AuthJsonException;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.copilot.CopilotEntry;

/**
 * Pure: reads the body of {@code POST /reseed}, the laptop's whole auth.json or its bare {@code github-copilot}
 * entry, and reduces it to the one entry the workspaces get. Other providers' credentials are dropped and only
 * named. Messages say what is wrong and where, never what the body holds.
 */
public final class ReseedInput {

    /** Largest body accepted: 64 KiB. */
    public static final int MAX_BYTES = 64 * 1024;

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

    /**
     * @throws Rejected 413 over {@link #MAX_BYTES}; 400 not exactly one JSON object (text after it, a key given twice);
     *                  422 no github-copilot entry, or one OpenCode 1.18.33 cannot load or the keeper refuses (the
     *                  message names the field, see {@link CopilotEntry})
     */
    public static Parsed parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new Rejected(400, "the body is empty: send the auth.json (or its github-copilot entry) as the request body");
        }
        if (body.length > MAX_BYTES) {
            throw tooLarge();
        }
        JsonNode root;
        try {
            root = AuthJson.readStrict(body, "the body");
        } catch (AuthJson.StrictJsonException e) {
            throw new Rejected(400, e.getMessage());
        }
        if (!root.isObject()) {
            throw new Rejected(400, "the body must be a JSON object: the auth.json, or its github-copilot entry");
        }
        boolean bareEntry = AuthJson.isBareEntry(root);
        JsonNode entry = bareEntry ? root : root.get(AuthJson.PROVIDER_ID);
        List<String> ignored = new ArrayList<>();
        if (!bareEntry) {
            for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!name.equals(AuthJson.PROVIDER_ID)) {
                    ignored.add(CopilotCredential.isToken(name) && name.length() <= 64 ? name : "(a provider with an unprintable name)");
                }
            }
        }
        if (entry == null || entry.isNull()) {
            throw new Rejected(422, "no " + AuthJson.PROVIDER_ID + " entry" + (ignored.isEmpty() ? "" : " (found only " + ignored + ")")
                    + ": log in to GitHub Copilot in OpenCode on the laptop first");
        }
        CopilotEntry strict;
        try {
            strict = CopilotEntry.of(entry);
        } catch (AuthJsonException e) {
            throw new Rejected(422, e.getMessage());
        }
        ObjectNode reduced = JsonNodeFactory.instance.objectNode();
        reduced.set(AuthJson.PROVIDER_ID, strict.toJson());
        return new Parsed(reduced.toString(), strict.credential(), List.copyOf(ignored));
    }

    public static Rejected tooLarge() {
        return new Rejected(413, "the body is larger than " + MAX_BYTES / 1024 + " KiB; an auth.json is a few hundred bytes");
    }
}
