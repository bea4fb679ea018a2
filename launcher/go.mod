module code-runner/launcher

go 1.24
