package sandbox

// expressHandler routes the Express Mode and Managed Daemon operations the proxy
// implements itself (moto 5.2.1 knows neither); nil passes the request on, and moto
// answers an unknown operation with an error, loudly.
func expressHandler(op string) func(*ecsCall) {
	switch op {
	case "CreateExpressGatewayService":
		return (*ecsCall).createExpressGatewayService
	case "DescribeExpressGatewayService":
		return (*ecsCall).describeExpressGatewayService
	case "UpdateExpressGatewayService":
		return (*ecsCall).updateExpressGatewayService
	case "DeleteExpressGatewayService":
		return (*ecsCall).deleteExpressGatewayService
	}
	return daemonHandler(op)
}
