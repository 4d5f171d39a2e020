// Command bench seeds a Publius data directory with a realistic data set,
// starts `publius serve` on it and measures the core performance targets
// over HTTP on 127.0.0.1: home timeline latency, posting throughput with
// concurrent clients, posting cost for a celebrity versus a small account,
// and the server's resident memory throughout.
//
//	go run ./bench seed [flags]   bulk-load accounts, follows, posts, tokens
//	go run ./bench run [flags]    start the server on the data and measure
//	go run ./bench all [flags]    seed, then run
//
// Results go to bench/results/ as text and CSV.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

const usage = `Usage: go run ./bench COMMAND [flags]

Commands:
  seed   bulk-load a data directory (accounts, follows, posts, tokens)
  run    start publius serve on a seeded directory and measure it
  all    seed, then run

Run "go run ./bench COMMAND -h" for a command's flags.
Defaults reproduce the committed results: 160k accounts (150k follow the
celebrity), 1M posts, a reader following 1,000 accounts.
`

func run(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Print(usage)
		if len(args) == 0 {
			return errors.New("missing command")
		}
		return flag.ErrHelp
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var sc seedConfig
	var lc loadConfig
	var cpuprofile string
	switch cmd {
	case "seed":
		sc.bind(fs)
	case "run":
		lc.bind(fs)
	case "all":
		sc.bind(fs)
		lc.bindExceptData(fs)
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	fs.StringVar(&cpuprofile, "cpuprofile", "", "write the harness's CPU profile here (with run -inprocess it includes the server)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05")+" "+format+"\n", a...)
	}
	if cmd == "seed" || cmd == "all" {
		m, err := seed(ctx, sc, logf)
		if err != nil {
			return err
		}
		logf("seeded %s: %d accounts, %d follows, %d posts in %.1f s", sc.Dir, m.Accounts, m.Follows, m.Posts, m.SeedSeconds)
		lc.Dir = sc.Dir
	}
	if cmd == "run" || cmd == "all" {
		return load(ctx, lc, logf)
	}
	return nil
}
