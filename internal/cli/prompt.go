package cli

import (
	"bufio"
	"fmt"
	"strings"
)

// ask prints prompt on stderr and returns one line read from stdin, trimmed; "" when
// there is no stdin. It is the one prompt of every verb that asks.
func (a *app) ask(prompt string) string {
	fmt.Fprint(a.stderr, prompt)
	if a.env.Stdin == nil {
		return ""
	}
	line, _ := bufio.NewReader(a.env.Stdin).ReadString('\n')
	return strings.TrimSpace(line)
}

// confirm asks a yes/no question; only y or yes agrees, so the default is no.
func confirm(a *app, prompt string) bool {
	switch strings.ToLower(a.ask(prompt)) {
	case "y", "yes":
		return true
	}
	return false
}
