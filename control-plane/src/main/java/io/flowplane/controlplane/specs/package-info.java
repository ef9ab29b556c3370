/**
 * What users write: a deployment's definition ({@link
 * io.flowplane.controlplane.specs.DeploymentSpec}, grouped into placement, program, policy and
 * scheduling, flat on the wire), its entrypoint, code source and parameter schema, and its
 * schedules ({@link io.flowplane.controlplane.specs.ScheduleSpec}) with the series of instants
 * each compiles to ({@link io.flowplane.controlplane.specs.Recurrence}). A leaf: deployments,
 * schedules, backfills and runs all read these definitions, and nothing here depends on them.
 */
package io.flowplane.controlplane.specs;
