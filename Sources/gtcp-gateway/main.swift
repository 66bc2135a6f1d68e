print("gtcp-gateway")
