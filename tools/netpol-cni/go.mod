module code-runner/tools/netpol-cni

go 1.24
