package verify

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// fakeAWS is a stateful in-memory account serving every client verify uses. It
// counts calls by operation and records log events written.
type fakeAWS struct {
	mu                    sync.Mutex
	calls                 map[string]int
	delay                 time.Duration // per call, for concurrency and timeout tests
	inflight, maxInflight int
	account               string

	roles      map[string]string           // name -> trust policy
	images     map[string]string           // repo:tag -> manifest media type
	manifests  map[string]string           // repo:tag -> manifest (indexes)
	repos      map[string]bool             // ECR repositories
	params     map[string]string           // SSM name -> value
	secrets    map[string]string           // Secrets Manager ARN or name -> value
	groups     map[string]bool             // log groups
	events     []string                    // group/stream of test events
	objects    map[string]bool             // bucket/key
	buckets    map[string]bool             // S3 buckets
	clusters   map[string]ecstypes.Cluster // by name
	subnets    map[string]string           // id -> VPC
	sgs        map[string]string           // id -> VPC
	tgs        map[string]elbtypes.TargetGroup
	rules      map[string]bool
	services   map[string]bool // Cloud Map service ids
	namespaces map[string]string
	fileSys    map[string]bool
	aps        map[string]string // access point -> file system
}

func newFakeAWS() *fakeAWS {
	return &fakeAWS{calls: map[string]int{}, account: "123456789012",
		roles: map[string]string{}, images: map[string]string{}, manifests: map[string]string{}, repos: map[string]bool{}, params: map[string]string{},
		secrets: map[string]string{}, groups: map[string]bool{}, objects: map[string]bool{}, buckets: map[string]bool{},
		clusters: map[string]ecstypes.Cluster{}, subnets: map[string]string{}, sgs: map[string]string{},
		tgs: map[string]elbtypes.TargetGroup{}, rules: map[string]bool{}, services: map[string]bool{},
		namespaces: map[string]string{}, fileSys: map[string]bool{}, aps: map[string]string{}}
}

// count records a call and, when f.delay is set, takes that long (or until ctx
// ends), tracking the most calls in flight at once.
func (f *fakeAWS) count(ctx context.Context, op string) {
	f.mu.Lock()
	f.calls[op]++
	f.inflight++
	f.maxInflight = max(f.maxInflight, f.inflight)
	f.mu.Unlock()
	if f.delay > 0 {
		t := time.NewTimer(f.delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	f.mu.Lock()
	f.inflight--
	f.mu.Unlock()
}

// deps returns Deps that route every client to f.
func (f *fakeAWS) deps() Deps {
	return Deps{Region: "us-east-1", STS: f, IAM: f, ECS: f, EC2: f, ELB: f, ServiceDiscovery: f, EFS: f, S3: f,
		ECR:            func(string) ECR { return f },
		SSM:            func(string) SSM { return f },
		SecretsManager: func(string) SecretsManager { return f },
		Logs:           func(string) Logs { return f },
	}
}

func (f *fakeAWS) GetCallerIdentity(ctx context.Context, _ *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.count(ctx, "GetCallerIdentity")
	return &sts.GetCallerIdentityOutput{Account: aws.String(f.account)}, nil
}

func (f *fakeAWS) GetRole(ctx context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	f.count(ctx, "GetRole")
	doc, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("role not found")}
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, AssumeRolePolicyDocument: aws.String(url.QueryEscape(doc))}}, nil
}

func (f *fakeAWS) DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, _ ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	f.count(ctx, "DescribeClusters")
	out := &ecs.DescribeClustersOutput{}
	for _, n := range in.Clusters {
		if c, ok := f.clusters[n]; ok {
			out.Clusters = append(out.Clusters, c)
		} else {
			out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(n), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

func (f *fakeAWS) DescribeImages(ctx context.Context, in *ecr.DescribeImagesInput, _ ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	f.count(ctx, "DescribeImages")
	repo := aws.ToString(in.RepositoryName)
	if !f.repos[repo] {
		return nil, &ecrtypes.RepositoryNotFoundException{Message: aws.String("repository not found")}
	}
	out := &ecr.DescribeImagesOutput{}
	for _, id := range in.ImageIds {
		mt, ok := f.images[repo+":"+aws.ToString(id.ImageTag)]
		if !ok {
			return nil, &ecrtypes.ImageNotFoundException{Message: aws.String("image not found")}
		}
		out.ImageDetails = append(out.ImageDetails, ecrtypes.ImageDetail{ImageManifestMediaType: aws.String(mt)})
	}
	return out, nil
}

func (f *fakeAWS) BatchGetImage(ctx context.Context, in *ecr.BatchGetImageInput, _ ...func(*ecr.Options)) (*ecr.BatchGetImageOutput, error) {
	f.count(ctx, "BatchGetImage")
	out := &ecr.BatchGetImageOutput{}
	for _, id := range in.ImageIds {
		if m, ok := f.manifests[aws.ToString(in.RepositoryName)+":"+aws.ToString(id.ImageTag)]; ok {
			out.Images = append(out.Images, ecrtypes.Image{ImageId: &id, ImageManifest: aws.String(m)})
		}
	}
	return out, nil
}

func (f *fakeAWS) GetParameters(ctx context.Context, in *ssm.GetParametersInput, _ ...func(*ssm.Options)) (*ssm.GetParametersOutput, error) {
	f.count(ctx, "GetParameters")
	if len(in.Names) > 10 {
		return nil, &ssmtypes.InvalidParameters{Message: aws.String("more than 10 names")}
	}
	out := &ssm.GetParametersOutput{}
	for _, n := range in.Names {
		if v, ok := f.params[n]; ok {
			out.Parameters = append(out.Parameters, ssmtypes.Parameter{Name: aws.String(n), Value: aws.String(v)})
		} else {
			out.InvalidParameters = append(out.InvalidParameters, n)
		}
	}
	return out, nil
}

func (f *fakeAWS) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.count(ctx, "GetSecretValue")
	v, ok := f.secrets[aws.ToString(in.SecretId)]
	if !ok {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(v)}, nil
}

func (f *fakeAWS) DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	f.count(ctx, "DescribeSecret")
	if _, ok := f.secrets[aws.ToString(in.SecretId)]; !ok {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return &secretsmanager.DescribeSecretOutput{VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}}}, nil
}

func (f *fakeAWS) DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	f.count(ctx, "DescribeLogGroups")
	out := &cloudwatchlogs.DescribeLogGroupsOutput{}
	for g := range f.groups {
		if strings.HasPrefix(g, aws.ToString(in.LogGroupNamePrefix)) {
			out.LogGroups = append(out.LogGroups, logtypes.LogGroup{LogGroupName: aws.String(g)})
		}
	}
	return out, nil
}

func (f *fakeAWS) CreateLogStream(ctx context.Context, _ *cloudwatchlogs.CreateLogStreamInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error) {
	f.count(ctx, "CreateLogStream")
	return &cloudwatchlogs.CreateLogStreamOutput{}, nil
}

func (f *fakeAWS) PutLogEvents(ctx context.Context, in *cloudwatchlogs.PutLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error) {
	f.count(ctx, "PutLogEvents")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, aws.ToString(in.LogGroupName)+"/"+aws.ToString(in.LogStreamName))
	return &cloudwatchlogs.PutLogEventsOutput{}, nil
}

func (f *fakeAWS) HeadObject(ctx context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	f.count(ctx, "HeadObject")
	if !f.buckets[aws.ToString(in.Bucket)] {
		return nil, &s3types.NoSuchBucket{}
	}
	if !f.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)] {
		return nil, &s3types.NotFound{}
	}
	return &s3.HeadObjectOutput{}, nil
}

func filterValues(fs []ec2types.Filter) []string {
	var v []string
	for _, f := range fs {
		v = append(v, f.Values...)
	}
	return v
}

func (f *fakeAWS) DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	f.count(ctx, "DescribeSubnets")
	out := &ec2.DescribeSubnetsOutput{}
	for _, id := range filterValues(in.Filters) {
		if vpc, ok := f.subnets[id]; ok {
			out.Subnets = append(out.Subnets, ec2types.Subnet{SubnetId: aws.String(id), VpcId: aws.String(vpc)})
		}
	}
	return out, nil
}

func (f *fakeAWS) DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	f.count(ctx, "DescribeSecurityGroups")
	out := &ec2.DescribeSecurityGroupsOutput{}
	for _, id := range filterValues(in.Filters) {
		if vpc, ok := f.sgs[id]; ok {
			out.SecurityGroups = append(out.SecurityGroups, ec2types.SecurityGroup{GroupId: aws.String(id), VpcId: aws.String(vpc)})
		}
	}
	return out, nil
}

func (f *fakeAWS) DescribeTargetGroups(ctx context.Context, in *elb.DescribeTargetGroupsInput, _ ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error) {
	f.count(ctx, "DescribeTargetGroups")
	out := &elb.DescribeTargetGroupsOutput{}
	for _, a := range in.TargetGroupArns {
		tg, ok := f.tgs[a]
		if !ok {
			return nil, &elbtypes.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
		}
		out.TargetGroups = append(out.TargetGroups, tg)
	}
	return out, nil
}

func (f *fakeAWS) DescribeRules(ctx context.Context, in *elb.DescribeRulesInput, _ ...func(*elb.Options)) (*elb.DescribeRulesOutput, error) {
	f.count(ctx, "DescribeRules")
	for _, r := range in.RuleArns {
		if !f.rules[r] {
			return nil, &elbtypes.RuleNotFoundException{Message: aws.String("One or more rules not found")}
		}
	}
	return &elb.DescribeRulesOutput{}, nil
}

func (f *fakeAWS) GetService(ctx context.Context, in *servicediscovery.GetServiceInput, _ ...func(*servicediscovery.Options)) (*servicediscovery.GetServiceOutput, error) {
	f.count(ctx, "GetService")
	if !f.services[aws.ToString(in.Id)] {
		return nil, &sdtypes.ServiceNotFound{Message: aws.String("service not found")}
	}
	return &servicediscovery.GetServiceOutput{}, nil
}

func (f *fakeAWS) GetNamespace(ctx context.Context, in *servicediscovery.GetNamespaceInput, _ ...func(*servicediscovery.Options)) (*servicediscovery.GetNamespaceOutput, error) {
	f.count(ctx, "GetNamespace")
	if _, ok := f.namespaces[aws.ToString(in.Id)]; !ok {
		return nil, &sdtypes.NamespaceNotFound{Message: aws.String("namespace not found")}
	}
	return &servicediscovery.GetNamespaceOutput{}, nil
}

func (f *fakeAWS) ListNamespaces(ctx context.Context, _ *servicediscovery.ListNamespacesInput, _ ...func(*servicediscovery.Options)) (*servicediscovery.ListNamespacesOutput, error) {
	f.count(ctx, "ListNamespaces")
	out := &servicediscovery.ListNamespacesOutput{}
	for _, id := range slices.Sorted(maps.Keys(f.namespaces)) {
		out.Namespaces = append(out.Namespaces, sdtypes.NamespaceSummary{Id: aws.String(id), Name: aws.String(f.namespaces[id])})
	}
	return out, nil
}

func (f *fakeAWS) DescribeFileSystems(ctx context.Context, in *efs.DescribeFileSystemsInput, _ ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error) {
	f.count(ctx, "DescribeFileSystems")
	if !f.fileSys[aws.ToString(in.FileSystemId)] {
		return nil, &efstypes.FileSystemNotFound{Message: aws.String("file system not found")}
	}
	return &efs.DescribeFileSystemsOutput{FileSystems: []efstypes.FileSystemDescription{{FileSystemId: in.FileSystemId}}}, nil
}

func (f *fakeAWS) DescribeAccessPoints(ctx context.Context, in *efs.DescribeAccessPointsInput, _ ...func(*efs.Options)) (*efs.DescribeAccessPointsOutput, error) {
	f.count(ctx, "DescribeAccessPoints")
	fs, ok := f.aps[aws.ToString(in.AccessPointId)]
	if !ok {
		return nil, &efstypes.AccessPointNotFound{Message: aws.String("access point not found")}
	}
	return &efs.DescribeAccessPointsOutput{AccessPoints: []efstypes.AccessPointDescription{{AccessPointId: in.AccessPointId, FileSystemId: aws.String(fs)}}}, nil
}
