module code-runner/localcluster/netpol-cni

go 1.24
