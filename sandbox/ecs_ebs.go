package sandbox

import (
	"strconv"
)

// Managed EBS volumes of RunTask tasks (RunTask volumeConfigurations, "Use Amazon EBS
// volumes with Amazon ECS" in the Developer Guide). The sandbox creates no volume; it
// keeps what the request asked for and shows it as the task's attachment of type
// AmazonElasticBlockStorage, whose details carry the volume id and the termination
// policy, so a client's deleteOnTermination is visible in DescribeTasks.
type ebsVolume struct {
	attachment, name, volumeID string
	roleArn, volumeType        string
	sizeInGiB                  int
	deleteOnTermination        bool
}

// ebsVolumes reads RunTask's volumeConfigurations; it fails the call as ECS does
// when a managed EBS volume lacks its infrastructure role (roleArn is required).
func (e *ecsCall) ebsVolumes(req obj) ([]ebsVolume, bool) {
	var out []ebsVolume
	for _, v := range list(req, "volumeConfigurations") {
		vc, _ := v.(map[string]any)
		m := sub(vc, "managedEBSVolume")
		if m == nil {
			continue
		}
		if str(m, "roleArn") == "" {
			e.fail("InvalidParameterException", "roleArn is required for managedEBSVolume of volume "+str(vc, "name")+".")
			return nil, false
		}
		ev := ebsVolume{name: str(vc, "name"), roleArn: str(m, "roleArn"), volumeType: str(m, "volumeType"), deleteOnTermination: true}
		if ev.volumeType == "" {
			ev.volumeType = "gp3"
		}
		if n, ok := num(m, "sizeInGiB"); ok {
			ev.sizeInGiB = n
		}
		// The termination policy defaults to deleting the volume (TaskManagedEBSVolumeTerminationPolicy).
		if b, ok := sub(m, "terminationPolicy")["deleteOnTermination"].(bool); ok {
			ev.deleteOnTermination = b
		}
		out = append(out, ev)
	}
	return out, true
}

// attachmentJSON renders a volume as a Task attachment with status.
func (v ebsVolume) attachmentJSON(status string) wireAttachment {
	details := []wireNameValue{
		{Name: "volumeName", Value: v.name},
		{Name: "volumeId", Value: v.volumeID},
		{Name: "volumeType", Value: v.volumeType},
		{Name: "roleArn", Value: v.roleArn},
		{Name: "deleteOnTermination", Value: strconv.FormatBool(v.deleteOnTermination)},
	}
	if v.sizeInGiB > 0 {
		details = append(details, wireNameValue{Name: "volumeSizeInGiB", Value: strconv.Itoa(v.sizeInGiB)})
	}
	return wireAttachment{ID: v.attachment, Type: "AmazonElasticBlockStorage", Status: status, Details: details}
}
