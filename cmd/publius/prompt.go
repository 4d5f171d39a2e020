package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// prompter asks questions on stderr and reads answers from the command's
// stdin: without echo on a terminal, line by line otherwise (scripts and
// tests pipe "handle\npassphrase\n").
type prompter struct {
	in       io.Reader
	out      io.Writer
	terminal int // file descriptor when stdin is a terminal, else -1
	lines    *bufio.Reader
}

func newPrompter(cmd *cobra.Command) *prompter {
	p := &prompter{in: cmd.InOrStdin(), out: cmd.ErrOrStderr(), terminal: -1}
	if f, ok := p.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.terminal = int(f.Fd())
	}
	p.lines = bufio.NewReader(p.in)
	return p
}

// secret asks for an answer that is not echoed on a terminal.
func (p *prompter) secret(label string) (string, error) {
	if p.terminal < 0 {
		return p.readLine(label)
	}
	fmt.Fprint(p.out, label)
	b, err := term.ReadPassword(p.terminal)
	fmt.Fprintln(p.out)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// line asks for an ordinary (echoed) answer.
func (p *prompter) line(label string) (string, error) {
	if p.terminal >= 0 {
		fmt.Fprint(p.out, label)
	}
	return p.readLine(label)
}

func (p *prompter) readLine(label string) (string, error) {
	s, err := p.lines.ReadString('\n')
	if errors.Is(err, io.EOF) && s == "" {
		return "", fmt.Errorf("no answer for %q on standard input", strings.TrimSuffix(strings.TrimSpace(label), ":"))
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}
