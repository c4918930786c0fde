package netproxy_test

import (
	"fmt"

	"parley/internal/netproxy"
)

func ExampleValidate() {
	fmt.Println(netproxy.Validate("http://proxy.corp:3128"))
	fmt.Println(netproxy.Validate("http://bob:hunter2@proxy.corp:3128/x"))
	// Output:
	// <nil>
	// proxy "http://bob:xxxxx@proxy.corp:3128/x" has a path, query or fragment, which a proxy address cannot have; write http://host:port, https://host:port or socks5://host:port (with user:password@ before the host if the proxy asks for it), "direct" for no proxy, or nothing to use HTTPS_PROXY and NO_PROXY from the environment
}
