/**
 * What every connector shares: error handling and the hub's reachability.
 */
package dev.patient360.routes.common;
