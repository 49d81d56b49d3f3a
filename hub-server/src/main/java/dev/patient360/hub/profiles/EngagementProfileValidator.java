package dev.patient360.hub.profiles;

import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

import dev.patient360.profiles.EngagementPackage;
import dev.patient360.profiles.EngagementValidation;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * Validates resources against the engagement package, offline (R4 core + the package, in-memory
 * terminology): the same validator as fhir-profiles' tests, so what the tests accept the hub accepts.
 */
@Component
class EngagementProfileValidator {

	private final FhirValidator validator;
	private final FhirContext ctx;

	EngagementProfileValidator(FhirContext ctx) {
		this.ctx = ctx;
		this.validator = EngagementValidation.validator(ctx);
	}

	/** The errors (and fatals) of validating the resource; empty when it conforms. */
	List<SingleValidationMessage> errors(IBaseResource resource) {
		ValidationResult result = validator.validateWithResult(resource);
		return result.getMessages().stream()
				.filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.toList();
	}

	/**
	 * Validates the package's examples once, so the validator's caches (snapshots, value set
	 * expansions, FHIRPath) are filled before the first client write rather than during it.
	 * Returns how many examples were validated.
	 */
	int warmUp() {
		List<IBaseResource> examples = EngagementPackage.examples(ctx);
		for (IBaseResource example : examples) {
			List<SingleValidationMessage> errors = errors(example);
			if (!errors.isEmpty()) {
				throw new IllegalStateException("package example " + example.getIdElement().getIdPart()
						+ " does not validate: " + errors.get(0).getLocationString() + " " + errors.get(0).getMessage());
			}
		}
		return examples.size();
	}
}
