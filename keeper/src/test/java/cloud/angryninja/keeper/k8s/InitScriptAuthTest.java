package cloud.angryninja.keeper.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.k8s.InitScript.Shell;
import cloud.angryninja.keeper.kube.Sha256;
import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Tier;

/**
 * What the init script does with OpenCode's auth.json on the PVC, run for real under sh and busybox sh
 * as the built HelmRelease starts it ({@link InitScript}): the Secret's github-copilot entry is written
 * only when the workspace has none (or a file OpenCode cannot use) or when the Secret's entry changed
 * since the one seeded last (the marker auth.json.seeded); every other byte of the file stays; a file
 * the script cannot read with certainty is left byte for byte, with one warning, and the pod starts.
 */
@Tier.Integration
class InitScriptAuthTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path remoteRoot;
    static String remote;
    static WorkspacePod pod;

    @TempDir
    Path podRoot;

    @BeforeAll
    static void repository() {
        InitScript.requireRoot();
        remote = GitFixtures.bareRepository(remoteRoot).toUri().toString();
        pod = new WorkspacePod("opencode-flux");
    }

    /** The Secret's value: one github-copilot entry, compact, as the keeper writes it. */
    static String secretWith(String refresh) {
        return InitScript.authJson(refresh);
    }

    /** The entry's text in {@link #secretWith}: the bytes the script seeds and hashes. */
    static String entry(String refresh) {
        String secret = secretWith(refresh).strip();
        return secret.substring("{\"github-copilot\":".length(), secret.length() - 1);
    }

    /** auth.json as OpenCode 1.18.33 writes it after a login in the workspace and an added provider (JSON.stringify, 2 spaces). */
    static String workspaceFile(String refresh) {
        return "{\n  \"github-copilot\": {\n    \"type\": \"oauth\",\n    \"refresh\": \"" + refresh + "\",\n    \"access\": \"" + refresh
                + "\",\n    \"expires\": 0\n  },\n  \"openai\": {\n    \"type\": \"api\",\n    \"key\": \"sk-proj-" + refresh + "\"\n  }\n}";
    }

    /**
     * One start of the init container. Without the copy of git for the server container (GIT_BUNDLE_DIR
     * set empty): InitScriptTest and WorkspaceOpenCodeTest prove it; here it would only take time.
     */
    static Tools.Result run(InitScript init, Shell shell, Map<String, String> secretData, String repoUrl) {
        return init.runOverriding(shell, secretData, repoUrl, Map.of("GIT_BUNDLE_DIR", ""));
    }

    Tools.Result start(InitScript init, Shell shell, String secret) {
        Tools.Result run = run(init, shell, InitScript.secret(null, secret), remote);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.stdout()).as("the pod goes on to the clone").containsAnyOf("already a clone", "cloned ");
        return run;
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void restartsKeepAWorkspaceLoginAndTheOtherProvidersAChangedSecretWinsOnce(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        Tools.Result first = run(init, shell, InitScript.secret(null, secretWith("gho_seeded1")), remote);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(init.authJson()).hasBinaryContent(("{\"github-copilot\":" + entry("gho_seeded1") + "}\n").getBytes(StandardCharsets.UTF_8));
        assertThat(first.stdout()).contains("auth.json created with the Secret's github-copilot entry");
        assertSeeded(init, "gho_seeded1");

        // A login in the workspace's UI and an added provider, as OpenCode writes them.
        String login = workspaceFile("gho_workspace1");
        write(init, login);
        for (int restart = 0; restart < 3; restart++) {
            Tools.Result again = start(init, shell, secretWith("gho_seeded1"));
            assertThat(again.stdout()).contains("auth.json kept: its github-copilot entry is the workspace's own");
            assertThat(init.authJson()).as("restart %s", restart).hasContent(login);
            assertOwnedAndPrivate(init.authJson());
            assertThat(again.output()).doesNotContain("gho_workspace1", "gho_seeded1", "sk-proj");
        }
        assertSeeded(init, "gho_seeded1");

        // A reseed: the Secret's entry changed. It replaces the workspace's, once; the other provider stays byte for byte.
        Tools.Result reseeded = start(init, shell, secretWith("gho_reseed2"));
        assertThat(reseeded.stdout()).contains("the Secret's github-copilot entry changed since it was seeded");
        String afterReseed = Files.readString(init.authJson());
        assertThat(afterReseed).isEqualTo(login.replace(login.substring(login.indexOf('{', 2), login.indexOf("},\n  \"openai\"") + 1),
                entry("gho_reseed2")));
        assertThat(JSON.readTree(afterReseed).path("openai")).isEqualTo(JSON.readTree(login).path("openai"));
        assertSeeded(init, "gho_reseed2");
        assertOwnedAndPrivate(init.authJson());

        String secondLogin = workspaceFile("gho_workspace2");
        write(init, secondLogin);
        for (int restart = 0; restart < 2; restart++) {
            start(init, shell, secretWith("gho_reseed2"));
            assertThat(init.authJson()).as("a login after the reseed, restart %s", restart).hasContent(secondLogin);
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aMissingEmptyOrBrokenAuthJsonIsSeededAndABrokenOneKeptBesideIt(Shell shell) throws IOException {
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("empty", "");
        broken.put("only whitespace", " \n\t\r\n");
        broken.put("cut short", "{\"openai\":{\"type\":\"api\",\"key\":\"sk-cut");
        broken.put("not JSON", "gho_plain_token\n");
        broken.put("a trailing comma", "{\"openai\":{\"type\":\"api\",\"key\":\"sk-x\"},}");
        broken.put("two documents", "{\"openai\":{}}{\"anthropic\":{}}");
        broken.put("a bad escape", "{\"openai\":{\"key\":\"sk-\\x\"}}");
        broken.put("a bad number", "{\"openai\":{\"expires\":01}}");
        broken.put("single quotes", "{'openai':{}}");
        int n = 0;
        for (Map.Entry<String, String> c : broken.entrySet()) {
            InitScript init = new InitScript(pod, podRoot.resolve("case" + n++));
            Files.createDirectories(init.authJson().getParent());
            Files.writeString(init.authJson(), c.getValue());
            Files.setLastModifiedTime(init.authJson(), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));

            Tools.Result run = run(init, shell, InitScript.secret(null, secretWith("gho_fresh")), remote);

            assertThat(run.exitCode()).as("%s: %s", c.getKey(), run.output()).isZero();
            assertThat(init.authJson()).as(c.getKey()).hasContent("{\"github-copilot\":" + entry("gho_fresh") + "}");
            assertOwnedAndPrivate(init.authJson());
            assertSeeded(init, "gho_fresh");
            List<Path> kept = besides(init, "auth.json.invalid-");
            if (c.getValue().isBlank()) {
                assertThat(run.stdout()).as(c.getKey()).contains("auth.json was empty");
                assertThat(kept).as(c.getKey()).isEmpty();
            } else {
                assertThat(run.stdout()).as(c.getKey()).contains("auth.json was not JSON (", "): kept as " + kept.getFirst());
                assertThat(kept).as("%s: the file OpenCode could not use, kept", c.getKey()).singleElement()
                        .satisfies(p -> assertThat(p).hasContent(c.getValue()));
            }
            assertThat(run.output()).doesNotContain("sk-", "gho_");
        }
        InitScript missing = new InitScript(pod, podRoot.resolve("missing"));
        Tools.Result run = run(missing, shell, InitScript.secret(null, secretWith("gho_fresh")), remote);
        assertThat(run.stdout()).contains("auth.json created");
        assertThat(missing.authJson()).hasContent("{\"github-copilot\":" + entry("gho_fresh") + "}");
    }

    /**
     * JSON that is valid but odd, each with the github-copilot value written {@code %s}: after one start
     * (no marker yet, so the Secret's entry wins) the file is exactly the same text with the Secret's
     * entry in place of that value, or, where the document has none, inserted after its opening brace.
     */
    @ParameterizedTest
    @EnumSource(Shell.class)
    void oddButValidJsonKeepsEveryOtherByte(Shell shell) throws IOException {
        String old = "{\"type\":\"oauth\",\"refresh\":\"gho_old\",\"access\":\"gho_old\",\"expires\":0}";
        String nu = entry("gho_new");
        Map<String, String[]> cases = new LinkedHashMap<>();
        // name -> {document, expected}
        cases.put("only member", doc("{\"github-copilot\":%s}", old, nu));
        cases.put("first member", doc("{\"github-copilot\":%s,\"openai\":{\"type\":\"api\",\"key\":\"sk-a\"}}", old, nu));
        cases.put("last member, CRLF and tabs", doc("{\r\n\t\"openai\" : {\"type\":\"api\",\"key\":\"sk-a\"} ,\r\n\t\"github-copilot\" :\t%s\r\n}\r\n", old, nu));
        cases.put("escapes and unicode in the other values", doc("{\"anthropic\":{\"type\":\"api\",\"key\":\"sk-\\\"q\\\\b\\/s\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"},"
                + "\"x\":\"\u00e9t\u00e9 \u2603 \uD83D\uDE00\",\"github-copilot\":%s}", old, nu));
        cases.put("nested objects, arrays and every literal", doc("{\"mcp\":{\"a\":[1,-2.5e+3,0.0,1E-2,true,false,null,[[],{}],{\"github-copilot\":{\"nested\":true}}]},"
                + "\"github-copilot\":%s}", old, nu));
        cases.put("an escaped name is the same member", doc("{\"openai\":{},\"github\\u002dcopilot\":%s}", old, nu));
        cases.put("the value is not an object", doc("{\"github-copilot\":%s,\"openai\":{}}", "null", nu));
        cases.put("no github-copilot member", new String[] {"{\"openai\":{\"type\":\"api\",\"key\":\"sk-a\"}}\n",
                "{\"github-copilot\":" + nu + ",\"openai\":{\"type\":\"api\",\"key\":\"sk-a\"}}\n"});
        cases.put("an empty object", new String[] {"{ }", "{\"github-copilot\":" + nu + " }"});
        cases.put("a name that only looks alike", new String[] {"{\"github-copilot \":{}}",
                "{\"github-copilot\":" + nu + ",\"github-copilot \":{}}"});
        int n = 0;
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            InitScript init = new InitScript(pod, podRoot.resolve("case" + n++));
            Files.createDirectories(init.authJson().getParent());
            Files.writeString(init.authJson(), c.getValue()[0]);

            Tools.Result run = run(init, shell, InitScript.secret(null, secretWith("gho_new")), remote);

            assertThat(run.exitCode()).as("%s: %s", c.getKey(), run.output()).isZero();
            assertThat(Files.readString(init.authJson())).as(c.getKey()).isEqualTo(c.getValue()[1]);
            JsonNode merged = JSON.readTree(init.authJson().toFile());
            assertThat(merged.path("github-copilot")).as(c.getKey()).isEqualTo(JSON.readTree(nu));
            assertOwnedAndPrivate(init.authJson());
            assertSeeded(init, "gho_new");
        }
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aFileTheScriptCannotReadWithCertaintyIsLeftByteForByte(Shell shell) throws IOException {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("an array", bytes("[{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_x\"}}]"));
        cases.put("a string", bytes("\"gho_x\""));
        cases.put("a name given twice", bytes("{\"github-copilot\":{\"refresh\":\"gho_a\"},\"openai\":{},\"github-copilot\":{\"refresh\":\"gho_b\"}}"));
        cases.put("the same name in two spellings", bytes("{\"openai\":{},\"open\\u0061i\":{}}"));
        cases.put("an escaped non-ASCII name", bytes("{\"caf\\u00e9\":{},\"github-copilot\":{}}"));
        cases.put("a NUL byte", bytes("{\"openai\":{\"key\":\"sk-\u0000\"}}"));
        cases.put("a control byte in a string", bytes("{\"openai\":{\"key\":\"sk-\u0001\"}}"));
        cases.put("a tab in a string", bytes("{\"openai\":{\"key\":\"sk-\tx\"}}"));
        cases.put("a byte order mark", bytes("\uFEFF{\"openai\":{}}"));
        cases.put("nested 40 deep", bytes("{\"openai\":" + "[".repeat(40) + "]".repeat(40) + "}"));
        cases.put("larger than 64 KiB", bytes("{\"openai\":{\"key\":\"" + "k".repeat(70_000) + "\"}}"));
        byte[] latin1 = bytes("{\"openai\":{\"key\":\"sk-\"},\"x\":1}");
        latin1[latin1.length - 3] = (byte) 0xe9; // a byte outside ASCII where a value should be
        cases.put("a stray byte outside a string", latin1);
        int n = 0;
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            InitScript init = new InitScript(pod, podRoot.resolve("case" + n++));
            Files.createDirectories(init.authJson().getParent());
            Files.write(init.authJson(), c.getValue());
            Files.writeString(init.seededMarker(), "before\n");

            Tools.Result run = run(init, shell, InitScript.secret(null, secretWith("gho_new")), remote);

            assertThat(run.exitCode()).as("%s: %s", c.getKey(), run.output()).isZero();
            assertThat(init.authJson()).as(c.getKey()).hasBinaryContent(c.getValue());
            assertThat(init.seededMarker()).as(c.getKey()).hasContent("before");
            assertThat(besides(init, "auth.json.")).as(c.getKey()).containsExactly(init.seededMarker());
            List<String> lines = run.output().lines().filter(l -> l.contains("auth.json")).toList();
            assertThat(lines).as("%s: one line on auth.json", c.getKey()).singleElement().asString()
                    .startsWith("init-workspace: WARNING: auth.json left as it was: this script cannot read it with certainty (")
                    .doesNotContain("gho_", "sk-", "kkkk");
            assertThat(run.stderr()).as(c.getKey()).contains("auth.json left as it was");
            assertThat(run.stdout()).as("%s: the pod goes on", c.getKey()).contains("cloned");
        }
    }

    /** auth.json that is a symbolic link (to a file elsewhere) or a folder: not followed, not replaced. */
    @ParameterizedTest
    @EnumSource(Shell.class)
    void aLinkOrAFolderInPlaceOfAuthJsonIsLeftAlone(Shell shell) throws IOException {
        InitScript link = new InitScript(pod, podRoot.resolve("link"));
        Files.createDirectories(link.authJson().getParent());
        Path elsewhere = podRoot.resolve("elsewhere.json");
        Files.writeString(elsewhere, "{\"openai\":{}}");
        Files.createSymbolicLink(link.authJson(), elsewhere);
        InitScript folder = new InitScript(pod, podRoot.resolve("folder"));
        Files.createDirectories(folder.authJson());

        for (InitScript init : List.of(link, folder)) {
            Tools.Result run = run(init, shell, InitScript.secret(null, secretWith("gho_new")), remote);

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.stderr()).contains("init-workspace: WARNING: auth.json left as it was: " + init.authJson() + " is not a regular file");
            assertThat(run.output().lines().filter(l -> l.contains("auth.json"))).hasSize(1);
            assertThat(init.seededMarker()).doesNotExist();
            assertThat(run.stdout()).contains("cloned ");
        }
        assertThat(link.authJson()).isSymbolicLink();
        assertThat(elsewhere).hasContent("{\"openai\":{}}");
        assertThat(folder.authJson()).isDirectory().isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(Shell.class)
    void aSecretWithoutAUsableEntryChangesNothingAndThePodStarts(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        start(init, shell, secretWith("gho_good"));
        String login = workspaceFile("gho_login");
        write(init, login);
        String marker = Files.readString(init.seededMarker());

        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("", "is missing or empty");
        bad.put("gho_not_json_at_all", "is not a JSON object this script reads with certainty");
        bad.put("{\"openai\":{\"type\":\"api\",\"key\":\"sk-secret\"}}", "has no github-copilot entry");
        bad.put("{\"github-copilot\":\"gho_a_string\"}", "is not a JSON object");
        bad.put("{\"github-copilot\":{\"refresh\":\"gho_a\"},\"github-copilot\":{\"refresh\":\"gho_b\"}}", "reads with certainty");
        bad.put("{\"github-copilot\":{\"refresh\":\"gho_cut", "reads with certainty");
        bad.put("  ", "holds no JSON");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            Tools.Result run = run(init, shell, InitScript.secret(null, b.getKey()), remote);

            assertThat(run.exitCode()).as("COPILOT_AUTH_JSON %s: %s", b.getKey(), run.output()).isZero();
            assertThat(run.stderr()).contains("init-workspace: WARNING: auth.json left as it was: ").contains(b.getValue());
            assertThat(run.output().lines().filter(l -> l.contains("auth.json"))).as("one line on auth.json").hasSize(1);
            assertThat(run.output()).doesNotContain("gho_", "sk-");
            assertThat(init.authJson()).hasContent(login);
            assertThat(init.seededMarker()).hasContent(marker.strip());
            assertOwnedAndPrivate(init.authJson());
            assertThat(run.stdout()).contains("already a clone");
        }
    }

    /** The marker: the SHA-256 of the entry seeded last, 0600 and the workspace's; without it the Secret's entry wins once. */
    @ParameterizedTest
    @EnumSource(Shell.class)
    void theMarkerRecordsTheEntrySeededLast(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        // An auth.json from before the marker existed, holding the Secret's entry already (pretty-printed
        // differently would be a different text; this one is the same text): only the marker is written.
        String same = "{\"openai\":{},\"github-copilot\":" + entry("gho_same") + "}";
        Files.createDirectories(init.authJson().getParent());
        Files.writeString(init.authJson(), same);
        FileTime before = FileTime.from(Instant.parse("2026-01-02T03:04:05Z"));
        Files.setLastModifiedTime(init.authJson(), before);

        Tools.Result run = start(init, shell, secretWith("gho_same"));

        assertThat(run.stdout()).contains("auth.json kept: it already holds the Secret's github-copilot entry");
        assertThat(Files.getLastModifiedTime(init.authJson())).as("auth.json not rewritten").isEqualTo(before);
        assertSeeded(init, "gho_same");

        // The marker removed and the workspace's own login in the file: without a record, the Secret's entry wins.
        write(init, workspaceFile("gho_login"));
        Files.delete(init.seededMarker());
        Tools.Result unrecorded = start(init, shell, secretWith("gho_same"));
        assertThat(unrecorded.stdout()).contains("no record of an earlier seed");
        assertThat(JSON.readTree(init.authJson().toFile()).path("github-copilot")).isEqualTo(JSON.readTree(entry("gho_same")));
        assertSeeded(init, "gho_same");

        // A marker that names another entry (a later reseed came while the pod was down): the Secret's wins.
        write(init, workspaceFile("gho_login"));
        Files.writeString(init.seededMarker(), Sha256.hex("something else") + "\n");
        start(init, shell, secretWith("gho_same"));
        assertThat(JSON.readTree(init.authJson().toFile()).path("github-copilot")).isEqualTo(JSON.readTree(entry("gho_same")));
        assertThat(JSON.readTree(init.authJson().toFile()).path("openai")).isEqualTo(JSON.readTree(workspaceFile("gho_login")).path("openai"));
    }

    /** A start killed after writing the new file but before renaming it leaves a partial file; the next start removes it. */
    @ParameterizedTest
    @EnumSource(Shell.class)
    void partialFilesOfAKilledStartAreRemoved(Shell shell) throws IOException {
        InitScript init = new InitScript(pod, podRoot);
        start(init, shell, secretWith("gho_one"));
        Path partial = init.authJson().resolveSibling("auth.json.partial");
        Path markerPartial = init.authJson().resolveSibling("auth.json.seeded.partial");
        Files.writeString(partial, "{\"github-copilot\":{\"refresh\":\"gho_cut");
        Files.writeString(markerPartial, "abc");

        start(init, shell, secretWith("gho_one"));

        assertThat(partial).doesNotExist();
        assertThat(markerPartial).doesNotExist();
        assertThat(init.authJson()).hasContent("{\"github-copilot\":" + entry("gho_one") + "}");
    }

    private static void assertSeeded(InitScript init, String refresh) {
        assertThat(init.seededMarker()).hasContent(Sha256.hex(entry(refresh)));
        assertOwnedAndPrivate(init.seededMarker());
    }

    private static void assertOwnedAndPrivate(Path file) {
        assertThat(InitScript.mode(file)).as("mode of %s", file.getFileName()).isEqualTo("rw-------");
        assertThat(InitScript.uid(file)).as("owner of %s", file.getFileName()).isEqualTo(1000);
        assertThat(InitScript.gid(file)).as("group of %s", file.getFileName()).isEqualTo(1000);
    }

    /** Writes auth.json as OpenCode does: 0600, owned by the workspace user. */
    private static void write(InitScript init, String content) throws IOException {
        Files.writeString(init.authJson(), content);
        Files.setPosixFilePermissions(init.authJson(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(init.authJson(), "unix:uid", 1000);
        Files.setAttribute(init.authJson(), "unix:gid", 1000);
    }

    /** Files beside auth.json whose name starts with {@code prefix}, sorted. */
    private static List<Path> besides(InitScript init, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(init.authJson().getParent())) {
            return new ArrayList<>(files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList());
        }
    }

    private static String[] doc(String template, String old, String nu) {
        return new String[] {template.formatted(old), template.formatted(nu)};
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
