package logfile_test

import (
	"fmt"
	"log"
	"os"

	"parley/internal/logfile"
)

func Example() {
	dir, err := os.MkdirTemp("", "parley-log")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	lg, err := logfile.Open(dir) // in Parley: logfile.Open(logfile.DefaultDir())
	if err != nil {
		log.Fatal(err)
	}
	lg.Redact("corp-token-1234567") // a credential of a format the rules do not know
	logger := log.New(lg, "parley: ", 0)
	logger.Print("GET /v1/models x-api-key: sk-ant-api03-abcdef status=200")
	logger.Print("the gateway refused corp-token-1234567")
	lg.Close()

	b, _ := os.ReadFile(lg.Path())
	fmt.Print(string(b))
	// Output:
	// parley: GET /v1/models x-api-key: [redacted] status=200
	// parley: the gateway refused [redacted]
}
