package cloud.angryninja.keeper.reseed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/** The body of POST /reseed, read and reduced; every refusal with its status, never quoting the input. */
@Tier.Unit
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
        assertThat(p.authJson()).isEqualTo("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_B\",\"access\":\"gho_B\",\"expires\":0}}");
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
        assertThat(refused("{\"github-copilot\":{\"refresh\":\"gho_C\"}}").getMessage()).contains("\"type\" must be the string \"oauth\"");
        assertThat(refused("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"  \"}}").status()).isEqualTo(422);
        assertThat(refused("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":7}}").status()).isEqualTo(422);
        assertThat(refused("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_D\",\"enterpriseUrl\":3}}").getMessage())
                .contains("enterpriseUrl");
        assertThat(refused("{\"x\":\"gho_SECRETinvalid\" oops}").getMessage()).doesNotContain("gho_SECRET");
    }

    @Test
    void onlyExactlyOneJsonObjectWithoutADuplicateKeyIsRead() {
        String ok = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_SECRETdup\"}}";
        assertThat(parse(ok + " \n").credential().refresh()).isEqualTo("gho_SECRETdup");
        assertThat(refused(ok + " {}")).satisfies(e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith("the body has text after its JSON value");
        });
        assertThat(refused(ok + " x").status()).isEqualTo(400);
        assertThat(refused("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_SECRETa\",\"refresh\":\"gho_SECRETb\"}}"))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("the body has a key given twice in one object").doesNotContain("gho_SECRET");
                });
        assertThat(refused("{\"openai\":{},\"openai\":{}," + ok.substring(1)).status()).isEqualTo(400);
    }

    @Test
    void malformedFieldsAre422NamingTheFieldAndNothingIsStored() {
        String entry = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_SECRETx\",%s}}";
        record Case(String field, String json) {
        }
        for (Case c : List.of(new Case("expires", "\"expires\":1e999999"), new Case("expires", "\"expires\":\"soon\""),
                new Case("enterpriseUrl", "\"enterpriseUrl\":null"), new Case("enterpriseUrl", "\"enterpriseUrl\":\"u:gho_SECRETp@h.example:1/p\""),
                new Case("access", "\"access\":\"tid\\u0000\""), new Case("accountId", "\"accountId\":[]"))) {
            ReseedInput.Rejected e = refused(entry.formatted(c.json()));
            assertThat(e.status()).as(c.json()).isEqualTo(422);
            assertThat(e.getMessage()).as(c.json()).contains("\"" + c.field() + "\"").doesNotContain("gho_SECRET").doesNotContain("soon");
        }
    }
}
