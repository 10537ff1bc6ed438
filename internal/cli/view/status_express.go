package view

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ExpressStatus is ecspresso's Express section of status: the express service's
// status and its ingress paths.
type ExpressStatus struct {
	Status       string               `json:"status"`
	StatusReason string               `json:"statusReason,omitempty"`
	IngressPaths []ExpressIngressPath `json:"ingressPaths"`
}

// ExpressIngressPath is one way in to an Express Mode service.
type ExpressIngressPath struct {
	AccessType string `json:"accessType"`
	Endpoint   string `json:"endpoint"`
}

// newExpressStatus summarises the Express Mode service behind a service.
func newExpressStatus(x *types.ECSExpressGatewayService) *ExpressStatus {
	e := &ExpressStatus{IngressPaths: []ExpressIngressPath{}}
	if x.Status != nil {
		e.Status, e.StatusReason = string(x.Status.StatusCode), aws.ToString(x.Status.StatusReason)
	}
	for _, ac := range x.ActiveConfigurations {
		for _, ip := range ac.IngressPaths {
			e.IngressPaths = append(e.IngressPaths, ExpressIngressPath{AccessType: string(ip.AccessType), Endpoint: aws.ToString(ip.Endpoint)})
		}
	}
	return e
}

// writeText appends the Express section to a service's status text.
func (x *ExpressStatus) writeText(b *strings.Builder) {
	fmt.Fprintf(b, "Express:\n  Status: %s %s\n  IngressPaths:\n", x.Status, x.StatusReason)
	for _, ip := range x.IngressPaths {
		fmt.Fprintf(b, "    %s %s\n", ip.AccessType, ip.Endpoint)
	}
}
