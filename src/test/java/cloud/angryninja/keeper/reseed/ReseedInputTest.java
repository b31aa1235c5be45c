package cloud.angryninja.keeper.reseed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The body of POST /reseed, read and reduced; every refusal with its status, never quoting the input. */
class ReseedInputTest {

    static ReseedInput.Parsed parse(String body) {
        return ReseedInput.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    static ReseedInput.Rejected refused(String body) {
        return catchThrowableOfType(ReseedInput.Rejected.class, () -> parse(body));
    }

    @Test
    void theLaptopFileIsReducedToTheCopilotEntryAndOtherProvidersAreNamed() {
        ReseedInput.Parsed p = parse("{\"openai\":{\"type\":\"api\",\"key\":\"sk-SECRET1\"},\"github-copilot\":{\"type\":\"oauth\","
                + "\"refresh\":\"gho_A\",\"access\":\"tid=x\",\"expires\":0,\"enterpriseUrl\":\"ghe.example.com\"},\"anthropic\":{}}");

        assertThat(p.authJson()).isEqualTo("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_A\",\"access\":\"tid=x\","
                + "\"expires\":0,\"enterpriseUrl\":\"ghe.example.com\"}}");
        assertThat(p.ignoredProviders()).containsExactly("openai", "anthropic");
        assertThat(p.credential().refresh()).isEqualTo("gho_A");
        assertThat(p.credential().enterpriseUrl()).isEqualTo(Optional.of("ghe.example.com"));
        assertThat(p.toString()).doesNotContain("gho_A");
    }

    @Test
    void theBareEntryIsAccepted() {
        ReseedInput.Parsed p = parse("{\"type\":\"oauth\",\"refresh\":\"gho_B\"}");
        assertThat(p.authJson()).isEqualTo("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_B\"}}");
        assertThat(p.ignoredProviders()).isEmpty();
    }

    @Test
    void badBodiesAreRefusedWithTheirStatus() {
        assertThat(catchThrowableOfType(ReseedInput.Rejected.class, () -> ReseedInput.parse(new byte[ReseedInput.MAX_BYTES + 1])).status())
                .isEqualTo(413);
        assertThat(refused("").status()).isEqualTo(400);
        assertThat(refused("{\"github-copilot\":").status()).isEqualTo(400);
        assertThat(refused("\"gho_SECRETstring\"").getMessage()).isEqualTo("the body must be a JSON object: the auth.json, or its github-copilot entry");
        assertThat(refused("{}").status()).isEqualTo(422);
        assertThat(refused("{\"github-copilot\":null}").status()).isEqualTo(422);
        assertThat(refused("{\"github-copilot\":{\"refresh\":\"gho_C\"}}").getMessage()).contains("\"type\": \"oauth\"");
        assertThat(refused("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"  \"}}").status()).isEqualTo(422);
        assertThat(refused("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":7}}").status()).isEqualTo(422);
        assertThat(refused("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_D\",\"enterpriseUrl\":3}}").getMessage())
                .contains("enterpriseUrl");
        assertThat(refused("{\"x\":\"gho_SECRETinvalid\" oops}").getMessage()).doesNotContain("gho_SECRET");
    }
}
