package dev.patient360.hub.profiles;

import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.SingleValidationMessage;

import dev.patient360.hub.errors.HubErrorCode;
import dev.patient360.hub.fhir.HubInterceptor;
import dev.patient360.profiles.EngagementPackage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Refuses a write (create, update, patch; alone or inside a transaction/batch entry) of a resource
 * that claims an engagement profile but does not conform to it: 422 with an OperationOutcome whose
 * issues name the element ({@code expression}) and the rule. It runs just before storage, on what
 * would be stored, so a PATCH is judged on its result and a transaction fails as a whole. Resources
 * that claim no engagement profile cost one meta.profile look-up.
 */
@Component
@Interceptor
class ProfileValidationInterceptor implements HubInterceptor {

	private static final Logger log = LoggerFactory.getLogger(ProfileValidationInterceptor.class);

	private final EngagementProfileValidator validator;
	private final FhirContext ctx;
	private final boolean enforce;

	ProfileValidationInterceptor(EngagementProfileValidator validator, FhirContext ctx, ProfilesProperties props) {
		this.validator = validator;
		this.ctx = ctx;
		this.enforce = props.enforce();
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	void created(IBaseResource resource) {
		check(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	void updated(IBaseResource stored, IBaseResource incoming) {
		check(incoming);
	}

	private void check(IBaseResource resource) {
		if (!enforce || !EngagementPackage.claimsEngagementProfile(resource)) {
			return;
		}
		List<SingleValidationMessage> errors = validator.errors(resource);
		if (errors.isEmpty()) {
			return;
		}
		String type = ctx.getResourceType(resource);
		// Messages can quote values (names, identifiers): only the count above DEBUG.
		log.info("{} refused a {} with {} profile error(s)", HubErrorCode.PROFILE_VALIDATION_FAILED.code(), type,
				errors.size());
		if (log.isDebugEnabled()) {
			errors.forEach(e -> log.debug("{} {}: {}", HubErrorCode.PROFILE_VALIDATION_FAILED.code(),
					e.getLocationString(), e.getMessage()));
		}
		throw new UnprocessableEntityException(ctx, outcome(type, errors));
	}

	static OperationOutcome outcome(String type, List<SingleValidationMessage> errors) {
		OperationOutcome oo = new OperationOutcome();
		oo.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.PROCESSING)
				.setDiagnostics(HubErrorCode.PROFILE_VALIDATION_FAILED.message(type
						+ " does not conform to the engagement profile it claims: " + errors.size() + " error(s)"));
		for (SingleValidationMessage e : errors) {
			OperationOutcome.OperationOutcomeIssueComponent issue = oo.addIssue()
					.setSeverity(e.getSeverity() == ca.uhn.fhir.validation.ResultSeverityEnum.FATAL
							? IssueSeverity.FATAL : IssueSeverity.ERROR)
					.setCode(IssueType.INVALID)
					.setDiagnostics(e.getMessage());
			if (e.getLocationString() != null) {
				issue.addExpression(e.getLocationString());
				issue.getLocation().add(new StringType(e.getLocationString()));
			}
		}
		return oo;
	}
}
