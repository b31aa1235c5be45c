package cloud.angryninja.keeper.copilot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.api.Test;

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
        assertError("{\"github-copilot\":{\"type\":\"api\",\"key\":\"" + TOKEN + "\"}}", "the github-copilot entry must have type \"oauth\"");
        assertError("{\"github-copilot\":{\"type\":\"oauth\",\"access\":\"" + TOKEN + "\"}}", "the github-copilot entry has no refresh token");
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
}
