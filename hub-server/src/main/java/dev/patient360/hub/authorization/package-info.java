/**
 * Who may do what with which resource: SMART scopes per resource type and interaction, the rules of
 * each {@link dev.patient360.hub.security.Party party}, and disclosure decided by the FHIR Consent
 * resources stored in the hub.
 *
 * <p>Three HAPI interceptors share the work, each doing one thing:
 * <ul>
 * <li>{@link dev.patient360.hub.authorization.HubAuthorizationInterceptor}: may this caller perform
 * this interaction on this type at all, and may it write this resource ({@link
 * dev.patient360.hub.authorization.AccessPolicy#mayAttempt}, {@link
 * dev.patient360.hub.authorization.AccessPolicy#mayWrite});</li>
 * <li>{@link dev.patient360.hub.authorization.HubConsentInterceptor}: may this caller see this
 * resource ({@link dev.patient360.hub.authorization.AccessPolicy#maySee}), for every resource that
 * leaves the hub (reads, search matches and includes, {@code $everything}, history, batch
 * entries, pages);</li>
 * <li>{@link dev.patient360.hub.authorization.HubSearchNarrowingInterceptor} and
 * {@link dev.patient360.hub.authorization.SourceTagNarrowingInterceptor}: searches and conditional
 * URLs only reach what the caller may see, so pages and totals are computed in the database over
 * the right rows.</li>
 * </ul>
 * The decisions themselves are pure functions ({@link dev.patient360.hub.authorization.AccessPolicy},
 * {@link dev.patient360.hub.authorization.ConsentRules}) over the principal, the resource and the
 * {@link dev.patient360.hub.authorization.AccessFacts} of the request; the interceptors only adapt
 * HAPI's hooks to them. A new party or rule goes into those two classes first, with a unit test.
 */
package dev.patient360.hub.authorization;
