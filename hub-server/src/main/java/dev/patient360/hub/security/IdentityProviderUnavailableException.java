package dev.patient360.hub.security;

import org.springframework.security.core.AuthenticationException;

/**
 * The identity provider's discovery document or signing keys cannot be fetched, so a token can be
 * neither accepted nor rejected: the caller gets 503 (retry), not 401 (which would say the token is bad).
 */
class IdentityProviderUnavailableException extends AuthenticationException {

	IdentityProviderUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}
}
