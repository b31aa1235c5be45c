package cloud.angryninja.keeper.sandbox;

import java.util.Optional;
import java.util.function.Function;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/** A WireMock transformer that answers each request its stub matched with what {@code answer} says now. */
final class Answers implements ResponseDefinitionTransformerV2 {

    private final String name;
    private final Function<Request, ResponseDefinition> answer;

    Answers(String name, Function<Request, ResponseDefinition> answer) {
        this.name = name;
        this.answer = answer;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        return answer.apply(event.getRequest());
    }

    /** The token of an {@code Authorization: <scheme> <token>} header, empty when there is none. */
    static String token(Request request, String scheme) {
        String header = Optional.ofNullable(request.getHeader("Authorization")).orElse("");
        return header.startsWith(scheme + " ") ? header.substring(scheme.length() + 1) : "";
    }
}
