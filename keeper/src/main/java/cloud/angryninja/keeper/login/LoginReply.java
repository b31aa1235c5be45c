package cloud.angryninja.keeper.login;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

import cloud.angryninja.keeper.reseed.ReseedReply;

/**
 * The answer to {@code POST /login} and {@code GET /login/{id}}, as JSON or as text lines. Holds no secret: the
 * device code and the token never appear; the credential is named by its fingerprint. The user code and the
 * verification URI are meant for the person and shown while the login is pending. Absent fields are left out of the JSON.
 *
 * @param login           id of the login, empty when the request was refused
 * @param state           pending, reseeding, done, expired, denied, failed; rejected for a refused request
 * @param status          the HTTP status of the reply
 * @param message         one line saying where the login is
 * @param workspaces      the target workspaces of the reseed
 * @param enterprise      the GitHub Enterprise domain, empty for github.com
 * @param verificationUri where to enter the user code (while pending)
 * @param userCode        the code to enter (while pending)
 * @param expiresIn       seconds left before the codes expire (while pending)
 * @param credential      fingerprint of the new credential, once GitHub gave it
 * @param reseed          the reseed's reply, once it ran
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record LoginReply(Optional<String> login, String state, int status, String message, List<String> workspaces,
        Optional<String> enterprise, @JsonProperty("verification_uri") Optional<String> verificationUri,
        @JsonProperty("user_code") Optional<String> userCode, @JsonProperty("expires_in") Optional<Long> expiresIn,
        Optional<String> credential, Optional<ReseedReply> reseed) {

    /** A refused request: nothing started. */
    public static LoginReply rejected(int status, String message) {
        return new LoginReply(Optional.empty(), "rejected", status, message, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The same reply in another state (e.g. {@code unknown} for a login this replica does not know). */
    public LoginReply withState(String other) {
        return new LoginReply(login, other, status, message, workspaces, enterprise, verificationUri, userCode, expiresIn, credential, reseed);
    }

    /** Text lines for {@code Accept: text/plain}: {@code key: value} lines, then the reseed's own lines once it ran. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        login.ifPresent(l -> out.append("login: ").append(l).append('\n'));
        out.append("state: ").append(state).append('\n');
        verificationUri.ifPresent(u -> out.append("verification_uri: ").append(u).append('\n'));
        userCode.ifPresent(c -> out.append("user_code: ").append(c).append('\n'));
        expiresIn.ifPresent(e -> out.append("expires_in: ").append(e).append('\n'));
        if (!workspaces.isEmpty()) {
            out.append("workspaces: ").append(String.join(", ", workspaces)).append('\n');
        }
        enterprise.ifPresent(e -> out.append("enterprise: ").append(e).append('\n'));
        credential.ifPresent(c -> out.append("credential: ").append(c).append('\n'));
        out.append("message: ").append(message).append('\n');
        reseed.ifPresent(r -> out.append(r.toText()));
        return out.toString();
    }
}
