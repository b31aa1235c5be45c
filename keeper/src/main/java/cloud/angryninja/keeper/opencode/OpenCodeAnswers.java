package cloud.angryninja.keeper.opencode;

import static cloud.angryninja.keeper.opencode.OpenCodeClient.COPILOT_PROVIDER;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.opencode.OpenCodeClient.Project;
import cloud.angryninja.keeper.opencode.OpenCodeClient.Provider;

/**
 * Pure: what OpenCode's answers say, read apart from the calls that fetch them ({@link OpenCodeClient}), and tested on
 * the shapes OpenCode 1.18.33 sends ({@code OpenCodeAnswersTest}).
 */
final class OpenCodeAnswers {

    private OpenCodeAnswers() {
    }

    /** Pure: reads {@code {"id":..., "worktree":..., "vcs":"git"}}; OpenCode 1.18.33 leaves {@code vcs} out for no repository. */
    static Project project(JsonNode body) {
        String id = body.path("id").asText("");
        String worktree = printable(body.path("worktree").asText(""));
        if (id.isEmpty()) {
            return new Project(Optional.empty(), "GET /project/current: no project in the answer");
        }
        String vcs = body.path("vcs").asText("");
        if (vcs.equals("git")) {
            return new Project(Optional.of(true), "OpenCode sees the git repository at " + worktree);
        }
        if (!vcs.isEmpty()) {
            return new Project(Optional.empty(), "OpenCode reports version control " + printable(vcs) + " at " + worktree);
        }
        return new Project(Optional.of(false), "OpenCode sees no repository (project " + ("global".equals(id) ? "global" : "without vcs")
                + ", worktree " + worktree + "): no git on the server's PATH, or its working directory is not a clone");
    }

    /** At most 200 printable characters of a value the server sent, for a reason. */
    private static String printable(String value) {
        String clean = value.codePoints().filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    /** Pure: reads {@code {"providers":[{"id":..., "models":{...}}]}}. */
    static Provider copilotProvider(JsonNode body) {
        JsonNode providers = body.path("providers");
        if (!providers.isArray()) {
            return new Provider(false, 0, "GET /config/providers: no providers list in the answer");
        }
        for (JsonNode p : providers) {
            if (COPILOT_PROVIDER.equals(p.path("id").asText())) {
                int models = p.path("models").size();
                if (!p.path("options").has("apiKey")) {
                    // opencode.json alone (source "config") makes OpenCode list the provider; only a
                    // credential from auth.json (or GITHUB_TOKEN) puts an apiKey into its options.
                    return new Provider(false, 0, COPILOT_PROVIDER + " is configured but has no credential:"
                            + " auth.json missing, unreadable or without a " + COPILOT_PROVIDER + " entry when the instance started");
                }
                return models > 0
                        ? new Provider(true, models, COPILOT_PROVIDER + " loaded with " + models + " models")
                        : new Provider(false, 0, COPILOT_PROVIDER + " is listed without models");
            }
        }
        return new Provider(false, 0, COPILOT_PROVIDER + " is not loaded: auth.json missing, unreadable or without a "
                + COPILOT_PROVIDER + " entry when the instance started");
    }
}
