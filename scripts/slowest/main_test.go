package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSlowest(t *testing.T) {
	in := `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"run","Package":"p","Test":"TestB/sub"}
{"Action":"pass","Package":"p","Test":"TestB/sub","Elapsed":9}
not json: a build line
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":1.5}
{"Action":"fail","Package":"p","Test":"TestB","Elapsed":12.25}
{"Action":"run","Package":"p","Test":"TestC"}
{"Action":"skip","Package":"p","Test":"TestD","Elapsed":0}
{"Action":"pass","Package":"p","Elapsed":20}
`
	var out, errs bytes.Buffer
	if code := run(strings.NewReader(in), &out, &errs, 2, false); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	want := "rank   seconds  test\n" +
		"1        12.25  p TestB  FAIL\n" +
		"2         1.50  p TestA\n" +
		"unfinished p TestC\n" +
		"failed p TestB\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	run(strings.NewReader(in), &out, &errs, 2, true)
	if !strings.Contains(out.String(), "2         9.00  p TestB/sub\n") {
		t.Errorf("-subtests:\n%s", out.String())
	}
	if code := run(strings.NewReader("garbage\n"), &out, &errs, 10, false); code != 1 || !strings.Contains(errs.String(), "no test results") {
		t.Errorf("no results: exit %d, %s", code, errs.String())
	}
}
