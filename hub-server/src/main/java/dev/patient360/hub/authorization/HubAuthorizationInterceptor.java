package dev.patient360.hub.authorization;

import java.util.List;
import java.util.Set;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.hub.security.HubPrincipal;
import dev.patient360.hub.security.Interaction;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.stereotype.Component;

/**
 * HAPI's AuthorizationInterceptor with one rule per request built from the caller's principal:
 * the operation must be allowed for the type ({@link AccessPolicy#mayAttempt}) and every resource
 * written (created, the old and new version of an update, the one deleted — also inside
 * transactions) must be writable by the caller ({@link AccessPolicy#mayWrite}).
 *
 * <p>Resources leaving the hub are not judged here: visibility is per resource and hidden
 * resources must vanish silently rather than fail a whole search, which is the consent
 * interceptor's job ({@link HubConsentInterceptor}). Default policy: deny.
 */
@Component
class HubAuthorizationInterceptor extends AuthorizationInterceptor implements HubInterceptor {

	private final AccessPolicy policy;

	HubAuthorizationInterceptor(AccessPolicy policy) {
		super(PolicyEnum.DENY);
		this.policy = policy;
	}

	@Override
	public List<IAuthRule> buildRuleList(RequestDetails request) {
		HubPrincipal principal = HubPrincipal.of(request);
		if (principal.kind() == HubPrincipal.Kind.SYSTEM) {
			return new RuleBuilder().allowAll("hub itself").build();
		}
		return List.of(new HubRule(principal, policy));
	}

	@Override
	protected void handleDeny(RequestDetails request, Verdict decision) {
		throw new ForbiddenOperationException(HubErrorCode.ACCESS_DENIED.message(
				"the access token does not allow this interaction"));
	}

	private record HubRule(HubPrincipal principal, AccessPolicy policy) implements IAuthRule {

		@Override
		public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource input,
				IIdType inputId, IBaseResource output, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
				Pointcut pointcut) {
			if (output != null) {
				return new Verdict(PolicyEnum.ALLOW, this);
			}
			boolean allowed;
			Interaction interaction = AccessPolicy.interactionOf(operation).orElse(null);
			if (input != null && isWrite(interaction)) {
				allowed = policy.mayAttempt(principal, operation, input.fhirType(), null)
						&& policy.mayWrite(principal, interaction, input);
			}
			else {
				String type = inputId != null && inputId.hasResourceType() ? inputId.getResourceType()
						: request.getResourceName();
				allowed = policy.mayAttempt(principal, operation, type, request.getOperation());
			}
			return new Verdict(allowed ? PolicyEnum.ALLOW : PolicyEnum.DENY, this);
		}

		private static boolean isWrite(Interaction interaction) {
			return interaction == Interaction.CREATE || interaction == Interaction.UPDATE
					|| interaction == Interaction.DELETE;
		}

		@Override
		public String getName() {
			return "hub access rules";
		}
	}
}
