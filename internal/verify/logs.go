package verify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// logCheck checks a container's log configuration. awslogs: the group exists (or
// awslogs-create-group lets ECS create it) and, with PutLogs, accepts a test event.
// Other drivers are not checked.
func (v *Verifier) logCheck(path []string, container string, lc *types.LogConfiguration) check {
	driver := string(lc.LogDriver)
	if lc.LogDriver != types.LogDriverAwslogs {
		return check{path: path, kind: "LogConfiguration", resource: driver, key: "log:" + driver + ":" + container,
			run: constant(skip("log driver " + driver + " is not checked"))}
	}
	group, region := lc.Options["awslogs-group"], orDefault(lc.Options["awslogs-region"], v.deps.Region)
	createGroup := lc.Options["awslogs-create-group"] == "true"
	return check{path: path, kind: "LogConfiguration", resource: "awslogs " + group, key: "log:" + region + ":" + group + ":" + strconv.FormatBool(createGroup),
		run: func(ctx context.Context) outcome {
			if group == "" {
				return ng("awslogs-group is not set", `set logConfiguration.options["awslogs-group"]`)
			}
			exists, err := v.logGroupExists(ctx, region, group)
			if err != nil {
				return failed(fmt.Errorf("describe log group %q: %w", group, err), "doppio needs logs:DescribeLogGroups")
			}
			if !exists {
				if createGroup {
					return okNote("log group does not exist yet; ECS creates it (awslogs-create-group)")
				}
				return ng(fmt.Sprintf("log group %q not found in %s", group, region),
					`create the log group, or set "awslogs-create-group": "true" in logConfiguration.options (the execution role then needs logs:CreateLogGroup)`)
			}
			if !v.opts.PutLogs {
				return ok()
			}
			if err := v.putTestEvent(ctx, region, group, lc.Options["awslogs-stream-prefix"]); err != nil {
				return failed(fmt.Errorf("write a test event to %q: %w", group, err), "check logs:CreateLogStream and logs:PutLogEvents on the group, or pass --no-put-logs")
			}
			return ok()
		}}
}

// logGroupExists pages through DescribeLogGroups by prefix for the exact name.
func (v *Verifier) logGroupExists(ctx context.Context, region, group string) (bool, error) {
	return once(&v.memo, "logs:group:"+region+"|"+group, func() (bool, error) {
		p := cloudwatchlogs.NewDescribeLogGroupsPaginator(v.deps.Logs(region), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return false, err
			}
			for _, g := range out.LogGroups {
				if aws.ToString(g.LogGroupName) == group {
					return true, nil
				}
			}
		}
		return false, nil
	})
}

// putTestEvent writes one event to a new stream doppio-verify/<unix nanoseconds>
// under the stream prefix, once per group: the only change verify makes.
func (v *Verifier) putTestEvent(ctx context.Context, region, group, prefix string) error {
	_, err := once(&v.memo, "logs:put:"+region+"|"+group, func() (bool, error) {
		now := v.deps.Now()
		stream := "doppio-verify/" + strconv.FormatInt(now.UnixNano(), 10)
		if prefix != "" {
			stream = prefix + "/" + stream
		}
		c := v.deps.Logs(region)
		if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
			return false, err
		}
		_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
			LogGroupName: aws.String(group), LogStreamName: aws.String(stream),
			LogEvents: []logtypes.InputLogEvent{{Message: aws.String("doppio verify: test event"), Timestamp: aws.Int64(now.UnixMilli())}},
		})
		return err == nil, err
	})
	return err
}

// envFileCheck checks that an environment file exists in S3.
func (v *Verifier) envFileCheck(path []string, f types.EnvironmentFile) check {
	ref := aws.ToString(f.Value)
	return check{path: path, kind: "EnvironmentFile", resource: ref, key: "s3:" + ref,
		run: func(ctx context.Context) outcome {
			if f.Type != types.EnvironmentFileTypeS3 {
				return skip("environment file type " + string(f.Type) + " is not checked")
			}
			a, err := arn.Parse(ref)
			bucket, key, found := "", "", false
			if err == nil && a.Service == "s3" {
				bucket, key, found = strings.Cut(a.Resource, "/")
			}
			if !found || key == "" {
				return ng(fmt.Sprintf("%q is not an S3 object ARN", ref), "use arn:aws:s3:::BUCKET/KEY")
			}
			_, err = v.deps.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			var nf *s3types.NotFound
			var nsb *s3types.NoSuchBucket
			var api smithy.APIError
			switch {
			case err == nil:
				return ok()
			case errors.As(err, &nsb) || (errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket"):
				return ng(fmt.Sprintf("bucket %q not found", bucket), "create the bucket and upload the file, or fix environmentFiles[].value")
			case errors.As(err, &nf):
				return ng(fmt.Sprintf("object %q not found in bucket %q", key, bucket), "upload the file, or fix environmentFiles[].value")
			}
			return failed(fmt.Errorf("head s3://%s/%s: %w", bucket, key, err), "doppio needs s3:GetObject on the file (the execution role does too)")
		}}
}
