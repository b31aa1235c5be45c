package cloud.angryninja.keeper.copilot;

import java.math.BigDecimal;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The strict model of the {@code github-copilot} entry of an auth.json: exactly the OAuth shape OpenCode 1.18.33
 * loads ({@code type}, {@code refresh}, {@code access}, {@code expires}, optional {@code accountId} and
 * {@code enterpriseUrl}), in the canonical form its own device-flow login writes. {@code access} absent is the
 * refresh token and {@code expires} absent is 0, as that login writes them; fields outside the schema are dropped
 * (OpenCode ignores them). Every refusal names the field and never quotes its value.
 *
 * @param refresh       the token OpenCode sends to the Copilot API; a secret
 * @param access        the access token (unused by OpenCode 1.18.33); a secret
 * @param expires       milliseconds since the epoch, 0 for the device flow's tokens
 * @param accountId     optional account id
 * @param enterpriseUrl bare GitHub Enterprise domain, normalised as OpenCode normalises it
 */
public record CopilotEntry(String refresh, String access, long expires, Optional<String> accountId, Optional<String> enterpriseUrl) {

    /** Largest integer a JavaScript number holds exactly ({@code Number.MAX_SAFE_INTEGER}). */
    public static final long MAX_EXPIRES = (1L << 53) - 1;

    public CopilotEntry {
        CopilotCredential.requireToken("refresh", refresh);
        CopilotCredential.requireToken("access", access);
        if (expires < 0 || expires > MAX_EXPIRES) {
            throw new AuthJsonException(field("expires") + " must be an integer from 0 to " + MAX_EXPIRES);
        }
        accountId = accountId == null ? Optional.empty() : accountId;
        accountId.ifPresent(a -> CopilotCredential.requireToken("accountId", a));
        enterpriseUrl = enterpriseUrl == null ? Optional.empty() : enterpriseUrl.map(CopilotCredential::enterpriseDomain);
    }

    /** @throws AuthJsonException naming the first field that is not what OpenCode 1.18.33 loads */
    public static CopilotEntry of(JsonNode entry) {
        if (entry == null || !entry.isObject()) {
            throw new AuthJsonException("the " + AuthJson.PROVIDER_ID + " entry must be a JSON object");
        }
        JsonNode type = entry.get("type");
        if (type == null || !type.isTextual() || !"oauth".equals(type.textValue())) {
            throw new AuthJsonException(field("type") + " must be the string \"oauth\"");
        }
        String refresh = text(entry, "refresh").orElseThrow(() -> new AuthJsonException(field("refresh") + " is missing"));
        String access = text(entry, "access").orElse(refresh);
        long expires = expires(entry.get("expires"));
        return new CopilotEntry(refresh, access, expires, text(entry, "accountId"), text(entry, "enterpriseUrl"));
    }

    /** The credential the keeper checks with Copilot. */
    public CopilotCredential credential() {
        return new CopilotCredential(refresh, enterpriseUrl);
    }

    /** The canonical entry: {@code {"type":"oauth","refresh":..,"access":..,"expires":..[,"accountId"][,"enterpriseUrl"]}}. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", "oauth");
        o.put("refresh", refresh);
        o.put("access", access);
        o.put("expires", expires);
        accountId.ifPresent(a -> o.put("accountId", a));
        enterpriseUrl.ifPresent(d -> o.put("enterpriseUrl", d));
        return o;
    }

    /** A string field, absent when missing; present but not a string (null included) is refused. */
    private static Optional<String> text(JsonNode entry, String name) {
        JsonNode value = entry.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new AuthJsonException(field(name) + " must be a string");
        }
        return Optional.of(value.textValue());
    }

    /** {@code expires}: absent is 0; else a JSON number of integral value from 0 to {@link #MAX_EXPIRES}. */
    static long expires(JsonNode value) {
        if (value == null) {
            return 0;
        }
        String problem = field("expires") + " must be an integer from 0 to " + MAX_EXPIRES;
        if (!value.isNumber()) {
            throw new AuthJsonException(problem);
        }
        BigDecimal n;
        if (value.isBigDecimal() || value.isIntegralNumber()) {
            n = value.decimalValue();
        } else {
            double d = value.doubleValue();
            if (!Double.isFinite(d)) {
                throw new AuthJsonException(problem);
            }
            n = BigDecimal.valueOf(d);
        }
        if (n.signum() < 0 || n.compareTo(BigDecimal.valueOf(MAX_EXPIRES)) > 0) {
            throw new AuthJsonException(problem);
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new AuthJsonException(problem);
        }
    }

    static String field(String name) {
        return "the " + AuthJson.PROVIDER_ID + " entry's \"" + name + "\"";
    }

    /** Never prints a token. */
    @Override
    public String toString() {
        return "CopilotEntry[" + credential() + ", expires=" + expires + "]";
    }
}
