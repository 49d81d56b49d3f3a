/**
 * The engagement implementation guide in the hub: the package from {@code fhir-profiles} is installed
 * at start (definitions readable over REST, SearchParameters active), resources that claim one of
 * its profiles are validated on every write (422 with an OperationOutcome when they do not conform),
 * and the CapabilityStatement lists the profiles. Resources that claim no engagement profile are not
 * validated here.
 */
package dev.patient360.hub.profiles;
