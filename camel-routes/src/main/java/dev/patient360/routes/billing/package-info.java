/**
 * Connector type {@code billing-csv}: a drop folder of CSV files, one row per charge, loaded as
 * Account, Coverage, ChargeItem (+ Claim) (docs/connectors/billing-csv.md).
 */
package dev.patient360.routes.billing;
