package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// CompletionCmd prints a shell completion script generated from doppio's own command
// model (verbs, sub-verbs, flags, enum values), so it never lists a flag doppio does
// not have. The scripts are static: completing asks nothing of doppio or AWS.
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"Shell to print the script for: bash, zsh or fish."`
}

// Run writes the completion script for the chosen shell to stdout.
func (c CompletionCmd) Run(ctx context.Context, a *app, kctx *kong.Context) error {
	m := completionModel(kctx.Model.Node)
	switch c.Shell {
	case "bash":
		return writeBashCompletion(a.stdout, m)
	case "zsh":
		return writeZshCompletion(a.stdout, m)
	default:
		return writeFishCompletion(a.stdout, m)
	}
}

// compCommand is one command path ("" for doppio itself, "tasks stop") with what may
// follow it.
type compCommand struct {
	path  string
	subs  []compWord // sub-verbs, or the values of an enum positional argument
	flags []compFlag // its own flags and every inherited one
}

type compWord struct{ name, help string }

type compFlag struct {
	names []string // --name, --no-name, -s
	help  string
	value bool     // takes a value (the next word)
	enum  []string // the values it accepts, when they are a fixed set
	file  bool     // the value is a path
}

// completionModel walks kong's model into one compCommand per visible command path.
func completionModel(root *kong.Node) []compCommand {
	var out []compCommand
	var walk func(n *kong.Node, path string)
	walk = func(n *kong.Node, path string) {
		c := compCommand{path: path, flags: nodeFlags(n)}
		if n.DefaultCmd != nil { // `tasks` also takes the flags of its default, `tasks list`
			c.flags = mergeFlags(c.flags, nodeFlags(n.DefaultCmd))
		}
		for _, ch := range n.Children {
			if ch.Hidden || ch.Type != kong.CommandNode {
				continue
			}
			c.subs = append(c.subs, compWord{ch.Name, ch.Help})
		}
		for _, p := range n.Positional {
			for _, v := range enumValues(p) {
				c.subs = append(c.subs, compWord{v, p.Help})
			}
		}
		out = append(out, c)
		for _, ch := range n.Children {
			if ch.Hidden || ch.Type != kong.CommandNode {
				continue
			}
			walk(ch, strings.TrimSpace(path+" "+ch.Name))
		}
	}
	walk(root, "")
	return out
}

// nodeFlags lists the visible flags of n and its ancestors, nearest first.
func nodeFlags(n *kong.Node) []compFlag {
	var out []compFlag
	for ; n != nil; n = n.Parent {
		for _, f := range n.Flags {
			if f.Hidden {
				continue
			}
			out = mergeFlags(out, []compFlag{toCompFlag(f)})
		}
	}
	return out
}

func toCompFlag(f *kong.Flag) compFlag {
	cf := compFlag{names: []string{"--" + f.Name}, help: f.Help}
	switch {
	case f.IsBool() && f.Tag.Negatable == "_":
		cf.names = append(cf.names, "--no-"+f.Name)
	case f.IsBool() && f.Tag.Negatable != "":
		cf.names = append(cf.names, "--"+f.Tag.Negatable)
	}
	for _, a := range f.Aliases {
		cf.names = append(cf.names, "--"+a)
	}
	if f.Short != 0 {
		cf.names = append(cf.names, "-"+string(f.Short))
	}
	if !f.IsBool() && !f.IsCounter() {
		cf.value = true
		cf.enum = enumValues(f.Value)
		// Paths: the config, envfiles, overrides and definition files.
		cf.file = f.Tag.Type == "path" || f.Tag.Type == "existingfile" ||
			strings.HasSuffix(f.Name, "file") || strings.HasSuffix(f.Name, "-file") ||
			slices.Contains([]string{"config", "task-def"}, f.Name)
	}
	return cf
}

// enumValues lists the fixed values v accepts (none when it takes any value).
func enumValues(v *kong.Value) []string {
	var out []string
	for _, e := range v.EnumSlice() {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// mergeFlags appends the flags of more whose first name is not in flags yet.
func mergeFlags(flags, more []compFlag) []compFlag {
	for _, m := range more {
		if !slices.ContainsFunc(flags, func(f compFlag) bool { return f.names[0] == m.names[0] }) {
			flags = append(flags, m)
		}
	}
	return flags
}

func shellWords(ws []string) string { return strings.Join(ws, " ") }

// valueFlagNames lists every spelling of c's flags that take a value.
func (c compCommand) valueFlagNames() []string {
	var out []string
	for _, f := range c.flags {
		if f.value {
			out = append(out, f.names...)
		}
	}
	return out
}

func (c compCommand) flagNames() []string {
	var out []string
	for _, f := range c.flags {
		out = append(out, f.names...)
	}
	return out
}

func (c compCommand) subNames() []string {
	var out []string
	for _, s := range c.subs {
		out = append(out, s.name)
	}
	return out
}

// writeShellTables writes the POSIX-shell case tables bash and zsh share:
// _doppio_subs PATH, _doppio_flags PATH, _doppio_valued PATH FLAG (succeeds when FLAG
// takes a value) and _doppio_values PATH FLAG (a fixed set of values, or "@file").
func writeShellTables(w io.Writer, m []compCommand) {
	writeCases(w, m, "_doppio_subs() {\n  case \"$1\" in", "  esac\n}", func(c compCommand) string {
		if len(c.subs) == 0 {
			return ""
		}
		return fmt.Sprintf("    %s) printf '%%s\\n' %s ;;\n", shellQuote(c.path), shellQuote(shellWords(c.subNames())))
	})
	writeCases(w, m, "_doppio_flags() {\n  case \"$1\" in", "  esac\n}", func(c compCommand) string {
		return fmt.Sprintf("    %s) printf '%%s\\n' %s ;;\n", shellQuote(c.path), shellQuote(shellWords(c.flagNames())))
	})
	writeCases(w, m, "_doppio_valued() {\n  case \"$1\" in", "  esac\n  return 1\n}", func(c compCommand) string {
		v := c.valueFlagNames()
		if len(v) == 0 {
			return ""
		}
		return fmt.Sprintf("    %s) case \"$2\" in %s) return 0 ;; esac ;;\n", shellQuote(c.path), strings.Join(v, "|"))
	})
	writeCases(w, m, "_doppio_values() {\n  case \"$1 $2\" in", "  esac\n}", func(c compCommand) string {
		var b strings.Builder
		for _, f := range c.flags {
			if !f.value || (len(f.enum) == 0 && !f.file) {
				continue
			}
			vals := "@file"
			if len(f.enum) > 0 {
				vals = shellWords(f.enum)
			}
			for _, n := range f.names {
				fmt.Fprintf(&b, "    %s) printf '%%s\\n' %s ;;\n", shellQuote(strings.TrimSpace(c.path)+" "+n), shellQuote(vals))
			}
		}
		return b.String()
	})
	// _doppio_path WORD...: the command path the words (without the program name)
	// name, skipping flags and the values of flags that take one.
	io.WriteString(w, `_doppio_path() {
  local p="" skip="" w s
  for w in "$@"; do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case "$w" in
      --*=*) ;;
      -*) if _doppio_valued "$p" "$w"; then skip=1; fi ;;
      *) for s in $(_doppio_subs "$p"); do
           if [ "$s" = "$w" ]; then p="${p:+$p }$w"; break; fi
         done ;;
    esac
  done
  printf '%s\n' "$p"
}
`)
}

func writeBashCompletion(w io.Writer, m []compCommand) error {
	io.WriteString(w, `# bash completion for doppio (generated by 'doppio completion bash').
# Load it in the current shell:  source <(doppio completion bash)
# or for every shell:           doppio completion bash > ~/.local/share/bash-completion/completions/doppio
`)
	writeShellTables(w, m)
	_, err := io.WriteString(w, `_doppio() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} p vals
  p=$(_doppio_path "${COMP_WORDS[@]:1:COMP_CWORD-1}")
  if [[ $prev == -* ]] && _doppio_valued "$p" "$prev"; then
    vals=$(_doppio_values "$p" "$prev")
    if [[ -n $vals && $vals != @file ]]; then
      COMPREPLY=($(compgen -W "$vals" -- "$cur"))
    else
      COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_doppio_flags "$p")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_doppio_subs "$p")" -- "$cur"))
  fi
}
complete -o default -F _doppio doppio
`)
	return err
}

func writeZshCompletion(w io.Writer, m []compCommand) error {
	io.WriteString(w, `#compdef doppio
# zsh completion for doppio (generated by 'doppio completion zsh').
# Load it in the current shell:  source <(doppio completion zsh)
# or for every shell: doppio completion zsh > "${fpath[1]}/_doppio"
`)
	writeShellTables(w, m)
	// Descriptions for the words offered, by command path.
	fmt.Fprintln(w, "_doppio_described() {\n  case \"$1\" in")
	for _, c := range m {
		var lines []string
		for _, s := range c.subs {
			lines = append(lines, zshDescribed(s.name, s.help))
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "    %s) reply=(%s) ;;\n", shellQuote("subs "+c.path), strings.Join(lines, " "))
		}
		lines = nil
		for _, f := range c.flags {
			for _, n := range f.names {
				lines = append(lines, zshDescribed(n, f.help))
			}
		}
		fmt.Fprintf(w, "    %s) reply=(%s) ;;\n", shellQuote("flags "+c.path), strings.Join(lines, " "))
	}
	fmt.Fprintln(w, "    *) reply=() ;;\n  esac\n}")
	_, err := io.WriteString(w, `_doppio() {
  local cur=${words[CURRENT]} prev=${words[CURRENT-1]} p vals
  local -a reply
  p=$(_doppio_path "${(@)words[2,CURRENT-1]}")
  if [[ $prev == -* ]] && _doppio_valued "$p" "$prev"; then
    vals=$(_doppio_values "$p" "$prev")
    if [[ -n $vals && $vals != @file ]]; then
      compadd -- ${=vals}
    else
      _files
    fi
    return
  fi
  if [[ $cur == -* ]]; then
    _doppio_described "flags $p"
    _describe -t options 'doppio flag' reply
  else
    _doppio_described "subs $p"
    if (( ${#reply} )); then _describe -t commands 'doppio command' reply; else _files; fi
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _doppio "$@"
else
  compdef _doppio doppio
fi
`)
	return err
}

// zshDescribed quotes "name:help" for _describe (a colon in the name is escaped).
func zshDescribed(name, help string) string {
	return shellQuote(strings.ReplaceAll(name, ":", `\:`) + ":" + firstSentence(help))
}

// writeCases writes a shell's dispatch table over the commands: head, the lines
// line gives for each command ("" for none), foot.
func writeCases(w io.Writer, m []compCommand, head, foot string, line func(compCommand) string) {
	fmt.Fprintln(w, head)
	for _, c := range m {
		io.WriteString(w, line(c))
	}
	fmt.Fprintln(w, foot)
}

func writeFishCompletion(w io.Writer, m []compCommand) error {
	io.WriteString(w, `# fish completion for doppio (generated by 'doppio completion fish').
# Load it: doppio completion fish > ~/.config/fish/completions/doppio.fish
complete -c doppio -e
complete -c doppio -f
`)
	// __doppio_path: the command path of the words typed so far.
	writeCases(w, m, "function __doppio_valued\n    switch \"$argv[1]\"", "    end\n    return 1\nend", func(c compCommand) string {
		v := c.valueFlagNames()
		if len(v) == 0 {
			return ""
		}
		return fmt.Sprintf("        case %s\n            contains -- $argv[2] %s; and return 0\n", fishQuote(c.path), strings.Join(v, " "))
	})
	writeCases(w, m, "function __doppio_subs\n    switch \"$argv[1]\"", "    end\nend", func(c compCommand) string {
		if len(c.subs) == 0 {
			return ""
		}
		return fmt.Sprintf("        case %s\n            echo %s\n", fishQuote(c.path), strings.Join(c.subNames(), " "))
	})
	io.WriteString(w, `function __doppio_path
    set -l p ""
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--*=*'
            case '-*'
                __doppio_valued "$p" $w; and set skip 1
            case '*'
                if contains -- $w (string split ' ' -- (__doppio_subs "$p"))
                    set p (string trim -- "$p $w")
                end
        end
    end
    echo $p
end
function __doppio_at
    test (__doppio_path) = "$argv[1]"
end
`)
	for _, c := range m {
		cond := "-n " + fishQuote("__doppio_at "+fishQuote(c.path))
		for _, s := range c.subs {
			fmt.Fprintf(w, "complete -c doppio %s -a %s -d %s\n", cond, fishQuote(s.name), fishQuote(firstSentence(s.help)))
		}
		for _, f := range c.flags {
			var opts []string
			for _, n := range f.names {
				switch {
				case strings.HasPrefix(n, "--"):
					opts = append(opts, "-l "+n[2:])
				default:
					opts = append(opts, "-s "+n[1:])
				}
			}
			switch {
			case len(f.enum) > 0:
				opts = append(opts, "-x -a "+fishQuote(strings.Join(f.enum, " ")))
			case f.file:
				opts = append(opts, "-r -F")
			case f.value:
				opts = append(opts, "-x")
			}
			fmt.Fprintf(w, "complete -c doppio %s %s -d %s\n", cond, strings.Join(opts, " "), fishQuote(firstSentence(f.help)))
		}
	}
	return nil
}

// firstSentence shortens a help text to its first sentence, on one line.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

// shellQuote quotes s for bash and zsh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fishQuote quotes s for fish (backslash and single quote are the only escapes).
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
