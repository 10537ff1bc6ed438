// Package sandbox is the local AWS that doppio's end-to-end tests, benchmarks and
// demo run against. It starts moto_server (the store for clusters, task definitions,
// IAM, Logs, SSM and the rest) behind a Go reverse proxy on one 127.0.0.1 listener.
//
// The proxy
//
//   - gives every access key of the form AKID<12 digits> its own AWS account (moto's
//     x-moto-account-id header), so parallel tests share one moto without seeing each
//     other;
//   - owns the parts of ECS that moto does not emulate: service rollouts over a
//     simulated clock (PRIMARY/ACTIVE deployments, counts, rolloutState, events,
//     circuit-breaker rollback), the ServiceDeployment APIs, the task lifecycle of
//     RunTask with scripted exit codes and CloudWatch Logs lines, and
//     ListTaskDefinitions sorting and paging;
//   - injects faults on request (throttling, 5xx, dropped connections, latency) in each
//     protocol's real error shape, and counts every call by operation;
//   - answers a JSON control API under /_sandbox/.
//
// Simulated behaviour is a pure function of each account's simclock.Clock, evaluated
// when a request arrives: nothing ticks in the background. Each simulated behaviour
// names the AWS documentation it follows in a comment.
//
// Files are named by the service they emulate (ecs_*.go, elbv2_*.go, codedeploy_*.go,
// sts.go); the simulated ECS state is typed (ecs_model.go), its answers are typed wire
// values (ecs_wire.go), and its timelines are tables evaluated by small functions
// (rollingPace and crashPace in ecs_rollout.go, bgPhases in ecs_bluegreen.go).
// README.md has the full map.
//
// Tests call Start(t) to get an Env with an isolated account; `go run
// ./sandbox/cmd/sandbox` runs a sandbox for the demo and for manual use.
package sandbox
