# The two commands of the README, and the others the project uses.
.PHONY: run test down status lint build bench

run:        ## everything: Temporal dev server, local Kubernetes, worker, API (Ctrl-C stops worker and API)
	bash scripts/up.sh

test:       ## the whole test suite against the real Temporal and the real local cluster
	bash scripts/test.sh

down:       ## stop the local cluster and the Temporal dev server
	bash scripts/temporal.sh down; bash localcluster/cluster.sh down

status:
	bash scripts/temporal.sh status; bash localcluster/cluster.sh status

build:
	bash scripts/deps.sh && npm run build

bench:
	bash scripts/bench.sh
