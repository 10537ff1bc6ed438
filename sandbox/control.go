package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The control API, on the proxy's listener (JSON in and out). Every path takes
// ?account=<12 digits> (default 123456789012):
//
//	GET    /_sandbox/health                  {"ok":true}
//	GET    /_sandbox/counts                  {"account":…,"counts":{"ecs:DescribeServices":3},"total":3}
//	DELETE /_sandbox/counts                  zero the counts
//	GET    /_sandbox/faults                  the account's Faults
//	POST   /_sandbox/faults                  body: Faults, e.g. {"seed":7,"rules":[{"operation":"ecs:DescribeServices","throttle":0.5}]}
//	DELETE /_sandbox/faults                  clear faults
//	GET    /_sandbox/clock                   {"now":"2026-…","speed":0}
//	POST   /_sandbox/clock/advance           body: {"duration":"30s"} (or seconds)
//	POST   /_sandbox/clock/speed             body: {"speed":10}
//	GET    /_sandbox/state                   services, deployments and tasks as simulated now
//	GET    /_sandbox/sessions                ECS Exec sessions by id: {"<id>":{"command":…,"task":…,"container":…}}
//	POST   /_sandbox/reset                   reset moto and all sandbox state (every account)
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	acct := r.URL.Query().Get("account")
	if acct == "" {
		acct = DefaultAccount
	}
	path := strings.TrimPrefix(r.URL.Path, "/_sandbox/")
	a := s.account(acct)
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	bad := func(status int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
	switch r.Method + " " + path {
	case "GET health":
		reply(map[string]any{"ok": true, "moto": s.moto.URL})
	case "GET counts":
		c := a.countsCopy()
		total := 0
		for _, n := range c {
			total += n
		}
		reply(map[string]any{"account": acct, "counts": c, "total": total})
	case "DELETE counts":
		a.resetCounts()
		reply(map[string]any{"account": acct})
	case "GET faults":
		reply(a.faultsCopy())
	case "POST faults":
		var f Faults
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			bad(http.StatusBadRequest, "faults: "+err.Error())
			return
		}
		a.setFaults(f, s.opts.Seed)
		reply(a.faultsCopy())
	case "DELETE faults":
		a.setFaults(Faults{}, s.opts.Seed)
		reply(a.faultsCopy())
	case "GET clock":
		reply(map[string]any{"account": acct, "now": a.clock.Now(), "speed": a.clock.Speed()})
	case "POST clock/advance":
		var body struct {
			Duration Duration `json:"duration"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			bad(http.StatusBadRequest, "advance: "+err.Error())
			return
		}
		reply(map[string]any{"account": acct, "now": a.clock.Advance(time.Duration(body.Duration)), "speed": a.clock.Speed()})
	case "POST clock/speed":
		var body struct {
			Speed float64 `json:"speed"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			bad(http.StatusBadRequest, "speed: "+err.Error())
			return
		}
		a.clock.SetSpeed(body.Speed)
		reply(map[string]any{"account": acct, "now": a.clock.Now(), "speed": a.clock.Speed()})
	case "GET state":
		reply(a.state())
	case "GET sessions":
		reply(a.sessionsCopy())
	case "POST reset":
		if err := s.Reset(r.Context()); err != nil {
			bad(http.StatusBadGateway, "reset: "+err.Error())
			return
		}
		reply(map[string]any{"ok": true})
	default:
		bad(http.StatusNotFound, "unknown control endpoint "+r.Method+" /_sandbox/"+path)
	}
}

// controlState is the answer of GET /_sandbox/state: each service as DescribeServices
// shows it plus its serviceDeployments, and every task, at the simulated now.
type controlState struct {
	Account  string     `json:"account"`
	Now      time.Time  `json:"now"`
	Speed    float64    `json:"speed"`
	Services []obj      `json:"services"`
	Tasks    []wireTask `json:"tasks"`
}

// state summarises the account's simulation at the current simulated time.
func (a *account) state() controlState {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	st := controlState{Account: a.id, Now: now, Speed: a.clock.Speed()}
	keys := make([]string, 0, len(a.services))
	for k := range a.services {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s := a.services[k]
		svc := obj{"serviceName": s.name, "serviceArn": s.arn, "clusterArn": s.clusterArn, "status": "ACTIVE"}
		s.render(svc, now)
		var sds []wireServiceDeployment
		for _, sd := range s.sds {
			if !sd.createdAt.After(now) {
				sds = append(sds, s.sdJSON(sd, now))
			}
		}
		svc["serviceDeployments"] = sds
		st.Services = append(st.Services, svc)
	}
	for _, t := range a.taskList {
		if !t.createdAt.After(now) {
			st.Tasks = append(st.Tasks, t.json(now, false))
		}
	}
	return st
}
