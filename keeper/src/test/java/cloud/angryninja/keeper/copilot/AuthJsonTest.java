package cloud.angryninja.keeper.copilot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

@Tier.Unit
class AuthJsonTest {

    private static final String TOKEN = "gho_AuthJsonTestToken0123456789";

    @Test
    void readsTheCopilotEntryOfAWholeFile() {
        CopilotCredential c = AuthJson.parse("""
                {"anthropic":{"type":"api","key":"sk-x"},
                 "github-copilot":{"type":"oauth","refresh":"%s","access":"tid=abc","expires":0}}
                """.formatted(TOKEN));

        assertThat(c.refresh()).isEqualTo(TOKEN);
        assertThat(c.enterpriseUrl()).isEmpty();
    }

    @Test
    void readsABareEntryWithEnterpriseUrl() {
        CopilotCredential c = AuthJson.parse("{\"type\":\"oauth\",\"refresh\":\"" + TOKEN
                + "\",\"access\":\"a\",\"expires\":0,\"enterpriseUrl\":\"https://ghe.example.com/\"}");

        assertThat(c.enterpriseUrl()).contains("ghe.example.com");
        assertThat(c.baseUrl(URI.create("https://api.githubcopilot.com")))
                .isEqualTo(URI.create("https://copilot-api.ghe.example.com"));
    }

    @Test
    void errorsSayWhatIsWrongAndNeverQuoteTheInput() {
        assertError("", "auth.json is empty");
        assertError("{\"github-copilot\":{\"refresh\":\"" + TOKEN + "\"", "auth.json is not valid JSON (line 1, column");
        assertError(TOKEN, "auth.json is not valid JSON");
        assertError("[\"" + TOKEN + "\"]", "auth.json must be a JSON object");
        assertError("{\"anthropic\":{\"type\":\"api\",\"key\":\"" + TOKEN + "\"}}", "auth.json has no github-copilot entry");
        assertError("{\"github-copilot\":\"" + TOKEN + "\"}", "the github-copilot entry of auth.json must be a JSON object");
        assertError("{\"github-copilot\":{\"type\":\"api\",\"key\":\"" + TOKEN + "\"}}", "the github-copilot entry's \"type\" must be the string \"oauth\"");
        assertError("{\"github-copilot\":{\"type\":\"oauth\",\"access\":\"" + TOKEN + "\"}}", "the github-copilot entry's \"refresh\" is missing");
        assertError("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\"},\"github-copilot\":{}}",
                "auth.json has a key given twice in one object (line 1, column");
        assertError("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\"}} {}", "auth.json has text after its JSON value");
    }

    private static void assertError(String text, String messageStart) {
        assertThatThrownBy(() -> AuthJson.parse(text))
                .isInstanceOf(AuthJsonException.class)
                .hasMessageStartingWith(messageStart)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("gho_"));
    }

    @Test
    void fingerprintIsTwelveHexOfSha256AndToStringHidesTheToken() {
        CopilotCredential c = new CopilotCredential("abc", Optional.empty());

        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertThat(c.fingerprint()).isEqualTo("ba7816bf8f01");
        assertThat(new CopilotCredential(TOKEN, Optional.empty()).toString()).doesNotContain(TOKEN);
        assertThat(c.baseUrl(URI.create("http://127.0.0.1:1/copilot"))).isEqualTo(URI.create("http://127.0.0.1:1/copilot"));
    }

    @Test
    void tokensAreVisibleAsciiOfASaneLength() {
        assertThat(CopilotCredential.isToken("gho_abc")).isTrue();
        assertThat(CopilotCredential.isToken("tid=abc;exp=1;sku=x:y")).isTrue();
        assertThat(CopilotCredential.isToken("x".repeat(CopilotCredential.MAX_TOKEN_LENGTH))).isTrue();
        assertThat(CopilotCredential.isToken("x".repeat(CopilotCredential.MAX_TOKEN_LENGTH + 1))).isFalse();
        for (String bad : new String[] {null, "", "gho a", "gho\ta", "gho\u0007", "gho_\u00e9", "gho_\u0000", "gho\r\nX: y"}) {
            assertThat(CopilotCredential.isToken(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThatThrownBy(() -> new CopilotCredential("gho_\u0007" + TOKEN, Optional.empty())).isInstanceOf(AuthJsonException.class)
                .hasMessageContaining("\"refresh\"").satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    @Test
    void enterpriseUrlIsNormalisedAsOpenCodeDoesAndMustThenBeABareDomain() {
        assertThat(CopilotCredential.enterpriseDomain("ghe.example.com")).isEqualTo("ghe.example.com");
        assertThat(CopilotCredential.enterpriseDomain("https://ghe.example.com/")).isEqualTo("ghe.example.com");
        assertThat(CopilotCredential.enterpriseDomain("http://Company.GHE.com")).isEqualTo("Company.GHE.com");
        assertThat(CopilotCredential.enterpriseDomain("a-b.c1.example")).isEqualTo("a-b.c1.example");
        for (String bad : new String[] {"", "/", "ghe", "HTTPS://ghe.example.com", "https://ghe.example.com//", "ftp://ghe.example.com",
                "user:pw@ghe.example.com", "ghe.example.com:8443", "ghe.example.com/api", "ghe.example.com?x=1", "ghe.example.com#x",
                "127.0.0.1", "[::1]", "-ghe.example.com", "ghe-.example.com", "ghe..example.com", "ghe.example.com.", " ghe.example.com",
                "ghé.example.com", "a".repeat(64) + ".example.com", ("a".repeat(60) + ".").repeat(5) + "com"}) {
            assertThatThrownBy(() -> CopilotCredential.enterpriseDomain(bad)).as(bad).isInstanceOf(AuthJsonException.class)
                    .hasMessageStartingWith("the github-copilot entry's \"enterpriseUrl\" must be a bare GitHub Enterprise domain");
        }
    }

    @Test
    void expiresIsAnIntegerFromZeroToTheLargestSafeJavaScriptInteger() {
        String entry = "{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\",\"expires\":%s}";
        assertThat(AuthJson.parseEntry(entry.formatted("0")).expires()).isZero();
        assertThat(AuthJson.parseEntry(entry.formatted("1e3")).expires()).isEqualTo(1000);
        assertThat(AuthJson.parseEntry(entry.formatted("2.0")).expires()).isEqualTo(2);
        assertThat(AuthJson.parseEntry(entry.formatted("9007199254740991")).expires()).isEqualTo(CopilotEntry.MAX_EXPIRES);
        for (String bad : new String[] {"-1", "1.5", "1e999999", "-1e999999", "1e-5", "9007199254740992", "1e300", "\"0\"", "null", "true", "[]"}) {
            assertError(entry.formatted(bad), "the github-copilot entry's \"expires\" must be an integer from 0 to 9007199254740991");
        }
    }

    @Test
    void theCanonicalEntryIsWhatTheDeviceFlowWrites() {
        CopilotEntry e = AuthJson.parseEntry("{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\",\"note\":1,\"enterpriseUrl\":\"https://ghe.example.com/\"}");
        assertThat(e.toJson().toString()).isEqualTo("{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\",\"access\":\"" + TOKEN
                + "\",\"expires\":0,\"enterpriseUrl\":\"ghe.example.com\"}");
        assertThat(e.toString()).doesNotContain(TOKEN);
        assertError("{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\",\"access\":null}", "the github-copilot entry's \"access\" must be a string");
        assertError("{\"type\":\"oauth\",\"refresh\":\"" + TOKEN + "\",\"accountId\":1}", "the github-copilot entry's \"accountId\" must be a string");
    }
}
