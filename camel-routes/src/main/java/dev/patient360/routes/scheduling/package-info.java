/**
 * Connector types {@code scheduling-json} (a Cal.com v2-style bookings API, pulled incrementally),
 * {@code ical-feed} (an iCalendar feed) and the webhook receiver for push-style scheduling sources
 * (docs/connectors/scheduling.md). Mappers are pure; the pullers and the webhook processor do the I/O.
 */
package dev.patient360.routes.scheduling;
