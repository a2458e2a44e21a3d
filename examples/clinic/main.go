// Command clinic is a small blog that shows twelve classic performance
// bottlenecks of a web app, each next to its fix, with the debug toolbar
// mounted so you can see what each page does to the database, the cache
// and the clock:
//
//	go run ./examples/clinic
//
// then open the URL it prints. It creates and seeds a SQLite database in a
// temporary directory at start and removes it on exit. -addr (or the
// CLINIC_ADDR environment variable) changes the address it listens on.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	def := "127.0.0.1:8080"
	if v := os.Getenv("CLINIC_ADDR"); v != "" {
		def = v
	}
	addr := flag.String("addr", def, "address to listen on (default from $CLINIC_ADDR)")
	flag.Parse()
	if err := run(*addr); err != nil {
		log.Fatal(err)
	}
}

func run(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	// The app calls its own fake pricing service, at the address it
	// listens on.
	a, err := newApp(ctx, options{ServiceURL: base})
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()

	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- srv.Shutdown(shutdown) // waits for requests in flight
	}()
	fmt.Printf("clinic: open %s/\n", base)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}
