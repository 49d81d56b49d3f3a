package dev.patient360.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * An offline validator for the guide: R4 core (hapi-fhir-validation-resources-r4), the package's
 * own definitions, in-memory terminology (no terminology server). The hub and the tests use the
 * same one, so what the tests accept is what the hub accepts. Needs hapi-fhir-validation and
 * hapi-fhir-validation-resources-r4 on the classpath (the module declares them {@code provided}).
 */
public final class EngagementValidation {

	private EngagementValidation() {
	}

	public static IValidationSupport supportChain(FhirContext ctx) {
		PrePopulatedValidationSupport own = new PrePopulatedValidationSupport(ctx);
		EngagementPackage.definitions(ctx).forEach(own::addResource);
		ValidationSupportChain.CacheConfiguration cache = ValidationSupportChain.CacheConfiguration.defaultValues();
		return new ValidationSupportChain(cache,
				own, new DefaultProfileValidationSupport(ctx),
				new InMemoryTerminologyServerValidationSupport(ctx), new CommonCodeSystemsTerminologyService(ctx),
				new SnapshotGeneratingValidationSupport(ctx));
	}

	/** A thread-safe validator; references to other resources are not resolved (that is the store's job). */
	public static FhirValidator validator(FhirContext ctx) {
		FhirInstanceValidator module = new FhirInstanceValidator(supportChain(ctx));
		module.setAnyExtensionsAllowed(true);
		module.setNoTerminologyChecks(false);
		FhirValidator validator = ctx.newValidator();
		validator.setValidateAgainstStandardSchema(false);
		validator.setValidateAgainstStandardSchematron(false);
		validator.registerValidatorModule(module);
		return validator;
	}
}
