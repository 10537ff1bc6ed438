// Package vt is a tiny virtual terminal for tests: it plays the ANSI output of a live
// view and returns the screen a person would see at the end.
package vt

import (
	"fmt"
	"strconv"
	"strings"
)

// Screen plays the ANSI output p on a virtual terminal width columns wide and
// returns the final screen, trailing blanks trimmed. It knows what Console emits:
// printable text, \n, \r, CSI n A (cursor up), CSI J (erase below), CSI K and
// SGR colours (ignored).
func Screen(p []byte, width int) (string, error) {
	var lines [][]rune
	row, col := 0, 0
	ensure := func() {
		for len(lines) <= row {
			lines = append(lines, nil)
		}
	}
	s := []rune(string(p))
	for i := 0; i < len(s); i++ {
		r := s[i]
		switch {
		case r == '\n':
			row++
			col = 0
		case r == '\r':
			col = 0
		case r == 0x1b:
			if i+1 >= len(s) || s[i+1] != '[' {
				return "", fmt.Errorf("unknown escape at %d", i)
			}
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			if j >= len(s) {
				return "", fmt.Errorf("truncated escape at %d", i)
			}
			n := 1
			if j > i+2 {
				n, _ = strconv.Atoi(strings.Split(string(s[i+2:j]), ";")[0])
			}
			switch s[j] {
			case 'A':
				row = max(0, row-n)
			case 'J':
				ensure()
				lines[row] = lines[row][:min(col, len(lines[row]))]
				lines = lines[:row+1]
			case 'K':
				ensure()
				lines[row] = lines[row][:min(col, len(lines[row]))]
			case 'm':
			default:
				return "", fmt.Errorf("unknown CSI %q", s[j])
			}
			i = j
		default:
			if col >= width {
				row++
				col = 0
			}
			ensure()
			for len(lines[row]) <= col {
				lines[row] = append(lines[row], ' ')
			}
			lines[row][col] = r
			col++
		}
	}
	var out strings.Builder
	for _, l := range lines {
		out.WriteString(strings.TrimRight(string(l), " "))
		out.WriteByte('\n')
	}
	return strings.TrimRight(out.String(), "\n") + "\n", nil
}
