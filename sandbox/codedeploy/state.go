package codedeploy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// account is one AWS account's CodeDeploy state. Its mutex serialises every request
// for the account, including the ECS side effects they trigger.
type account struct {
	id string

	mu          sync.Mutex
	apps        map[string]*application
	configs     map[string]*deploymentConfig // custom configurations only
	deployments []*deployment                // in creation order
	byID        map[string]*deployment
	seq         int
}

type application struct {
	id       string
	name     string
	platform string
	created  time.Time
	groups   map[string]*group
}

type group struct {
	id         string
	app        string
	name       string
	platform   string
	configName string
	roleArn    string
	groupSettings
	lastGoodRev *revisionLocation
}

func (s *Server) account(id string) *account {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[id]
	if a == nil {
		a = &account{
			id:      id,
			apps:    map[string]*application{},
			configs: map[string]*deploymentConfig{},
			byID:    map[string]*deployment{},
		}
		s.accounts[id] = a
	}
	return a
}

// uuidFor derives a stable UUID-shaped identifier, so that runs are reproducible.
func uuidFor(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newDeploymentID returns an ID shaped like the real ones: "d-" and nine upper-case
// letters or digits.
func (a *account) newDeploymentID() string {
	for {
		a.seq++
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%d", a.id, a.seq)
		s := strings.ToUpper(strconv.FormatUint(h.Sum64(), 36))
		for len(s) < 9 {
			s = "0" + s
		}
		id := "d-" + s[len(s)-9:]
		if a.byID[id] == nil {
			return id
		}
	}
}

func (a *account) app(name string) (*application, error) {
	if name == "" {
		return nil, apiErr("ApplicationNameRequiredException", "The application name must be specified.")
	}
	app := a.apps[name]
	if app == nil {
		return nil, apiErr("ApplicationDoesNotExistException", "No application found for name: %s", name)
	}
	return app, nil
}

// groupApp is the application of a request about its deployment group name: the
// application must exist and the group's name be given.
func (a *account) groupApp(appName, name string) (*application, error) {
	app, err := a.app(appName)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, apiErr("DeploymentGroupNameRequiredException", "The deployment group name must be specified.")
	}
	return app, nil
}

func (a *account) group(appName, name string) (*application, *group, error) {
	app, err := a.groupApp(appName, name)
	if err != nil {
		return nil, nil, err
	}
	g := app.groups[name]
	if g == nil {
		return nil, nil, apiErr("DeploymentGroupDoesNotExistException", "No Deployment Group found for name: %s", name)
	}
	return app, g, nil
}

// add records a new deployment of the account.
func (a *account) add(d *deployment) {
	a.deployments = append(a.deployments, d)
	a.byID[d.id] = d
}

func (a *account) deployment(id string) (*deployment, error) {
	if id == "" {
		return nil, apiErr("DeploymentIdRequiredException", "The deployment ID must be specified.")
	}
	if !strings.HasPrefix(id, "d-") {
		return nil, apiErr("InvalidDeploymentIdException", "Specified DeploymentId is not in the valid format: %s", id)
	}
	d := a.byID[id]
	if d == nil {
		return nil, apiErr("DeploymentDoesNotExistException", "The deployment %s could not be found.", id)
	}
	return d, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// page returns one page of names and the token of the next; tokens are offsets.
func page(names []string, token string, size int) ([]string, string, error) {
	start := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > len(names) {
			return nil, "", apiErr("InvalidNextTokenException", "The next token was specified in an invalid format.")
		}
		start = n
	}
	end := min(start+size, len(names))
	next := ""
	if end < len(names) {
		next = strconv.Itoa(end)
	}
	out := names[start:end]
	if out == nil {
		out = []string{}
	}
	return out, next, nil
}
