/**
 * Who calls the hub, and how that is established.
 *
 * <p>Spring Security ({@code SecurityConfig}) makes the hub an OAuth2 resource server: a bearer JWT
 * from the configured issuer (Keycloak realm {@code patient360}) is validated by
 * {@code IssuerJwtDecoder} (keys from the issuer's discovery document, fetched on first use), and
 * {@code HubPrincipalFilter} turns it into a {@link dev.patient360.hub.security.HubPrincipal} on the
 * servlet request. HAPI interceptors (authorization, consent, audit) read that principal with
 * {@link dev.patient360.hub.security.HubPrincipal#of}; none of them touches Spring Security.
 *
 * <p>To add a party: a Keycloak realm role, a {@link dev.patient360.hub.security.Party} constant of
 * the same name, and its rules; docs/security.md says how, and lists what each party may do.
 * {@link dev.patient360.hub.security.HubSecurityProperties} holds the settings; with
 * {@code HUB_SECURITY=disabled} every request is an unrestricted principal and the hub says so.
 */
package dev.patient360.hub.security;
