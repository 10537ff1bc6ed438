package plugin

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/doppio-ecs/doppio/internal/plugin/ssm"
	"github.com/doppio-ecs/doppio/internal/render"
)

type paramStore map[string]string

func (p paramStore) GetParameter(_ context.Context, in *awsssm.GetParameterInput, _ ...func(*awsssm.Options)) (*awsssm.GetParameterOutput, error) {
	v, ok := p[aws.ToString(in.Name)]
	if !ok {
		return nil, &ssmtypes.ParameterNotFound{Message: aws.String("not found")}
	}
	return &awsssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Type: ssmtypes.ParameterTypeSecureString, Value: aws.String(v)}}, nil
}

// Deps.Clients hands the plugins their clients: the lookup uses the one given and
// never asks for an AWS config.
func TestFunctionsUseDepsClients(t *testing.T) {
	noConfig := func(context.Context) (aws.Config, error) {
		t.Error("Deps.AWS called although Deps.Clients.SSM is set")
		return aws.Config{}, errors.New("no config")
	}
	asked := 0
	funcs, err := Functions(t.Context(), []Spec{{Name: "ssm", FuncPrefix: "p_"}}, Deps{AWS: noConfig, Clients: Clients{
		SSM: func(context.Context) (ssm.Client, error) { asked++; return paramStore{"/db/password": "pw"}, nil },
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ssm", "p_ssm"} {
		var f *render.Function
		for i := range funcs {
			if funcs[i].Name == name {
				f = &funcs[i]
			}
		}
		if f == nil {
			t.Fatalf("no function %s", name)
		}
		v, err := f.Call(t.Context(), []any{"/db/password"})
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := v.(render.Secret); !ok || string(s) != "pw" {
			t.Errorf("%s = %#v, want the SecureString as a render.Secret", name, v)
		}
	}
	if asked != 1 {
		t.Errorf("the SSM client was asked for %d times, want once", asked)
	}
}
