/**
 * The engagement implementation guide: canonical URLs and typed helpers for the hub's extensions.
 */
package dev.patient360.profiles;
