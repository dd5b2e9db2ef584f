package io.wattwitness.query.config;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Maps opaque bearer tokens from configuration ({@code wattwitness.tokens.<role>}) to roles; tokens are compared in
 * constant time. An unknown token fails authentication.
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final QueryConfig config;

    /**
     * @param config the token lists
     */
    public TokenIdentityProvider(QueryConfig config) {
        this.config = config;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder();
        boolean known = false;
        if (matches(config.tokens().operator(), token)) {
            identity.addRole(Roles.OPERATOR);
            known = true;
        }
        if (matches(config.tokens().anchoring(), token)) {
            identity.addRole(Roles.ANCHORING);
            known = true;
        }
        if (matches(config.tokens().device(), token)) {
            identity.addRole(Roles.DEVICE);
            known = true;
        }
        if (!known) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unknown bearer token"));
        }
        return Uni.createFrom().item(identity.setPrincipal(new QuarkusPrincipal("token")).build());
    }

    private static boolean matches(Optional<List<String>> tokens, String candidate) {
        byte[] given = candidate.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String token : tokens.orElse(List.of())) {
            if (!token.isBlank()) {
                found |= MessageDigest.isEqual(token.trim().getBytes(StandardCharsets.UTF_8), given);
            }
        }
        return found;
    }
}
