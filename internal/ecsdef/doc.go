// Package ecsdef is the task and service definition model: it decodes rendered
// definition files (ecspresso-compatible JSON, AWS camelCase member names) into the
// SDK's RegisterTaskDefinition and CreateService input types, prints them as
// canonical JSON, normalises them for comparison and diffs them.
//
// Decoding is a typed walk over the SDK structs (reflection), not a rewrite of map
// keys, so user-keyed maps (dockerLabels, logConfiguration.options, volume labels
// and driverOpts, ...) pass through exactly as written. Unknown fields, wrong types,
// invalid enum values and malformed JSON become *diag.Error values with file, line,
// column, field path and a did-you-mean hint.
//
// Nothing here calls AWS.
package ecsdef
