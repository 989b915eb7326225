# eks-variants: everything runs from the project's own virtualenv, built from the lock file.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-from-lock
# `make` alone builds the environment, as before; `make help` lists the targets.
.DEFAULT_GOAL := env

.PHONY: help env program-envs preflight check-pins report policy-pages test test-fast conformance pulumi-cli policy-venv fuzz bench stack schema team-template lock clean

## help: list these targets (from their `## target: description` lines)
help:
	@awk 'FNR == NR { if ($$0 ~ /^[a-z][a-z-]*:([^=]|$$)/) { t = $$0; sub(/:.*/, "", t); targets[t] = 1 }; next } \
	     /^## / { text = $$0; sub(/^## /, "", text); name = text; sub(/:.*/, "", name) } \
	     /^## [a-z-]+: / && (name in targets) { sub(/^[^:]*: /, "", text); desc[name] = text; order[++n] = name; open = name; next } \
	     /^## / && open != "" && desc[open] !~ /\.$$/ { desc[open] = desc[open] " " text; next } \
	     { open = "" } \
	     END { for (i = 1; i <= n; i++) printf "  make %-14s %s\n", order[i], desc[order[i]] }' $(MAKEFILE_LIST) $(MAKEFILE_LIST)

## env: build .venv from requirements.lock (only when the lock changed)
env: $(STAMP)

# A line per step; the big one (about 80 s on a fresh machine) lets pip list each package as it comes, without
# progress bars, so a terminal shows progress and a CI log stays one line per package.
$(STAMP): requirements.lock pyproject.toml
	@echo "make env: [1/3] creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "make env: [2/3] installing the $$(grep -c '==' requirements.lock) pinned packages of requirements.lock (about 80 s on a fresh machine)"
	$(PY) -m pip install --disable-pip-version-check --progress-bar off --require-hashes -r requirements.lock
	@echo "make env: [3/3] installing this project's packages (editable)"
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)
	@echo "make env: $(VENV) is ready"

## program-envs: the test programs' own virtualenvs (preflight runs a program with the environment its
## Pulumi.yaml names), each built from its requirements.lock, again only when that lock changed.
## --no-compile: the SDKs' bytecode is written as the tests import it (pulumi-aws alone has ~200 MB of it)
PROGRAM_ENV_LOCKS := $(wildcard tests/preflight/fixtures/program_envs/*/requirements.lock)
PROGRAM_ENV_STAMPS := $(PROGRAM_ENV_LOCKS:requirements.lock=venv/.installed-from-lock)
program-envs: $(PROGRAM_ENV_STAMPS)

%/venv/.installed-from-lock: %/requirements.lock
	rm -rf $*/venv
	$(PYTHON) -m venv $*/venv
	$*/venv/bin/python -m pip install --quiet --disable-pip-version-check --no-compile --require-hashes --no-deps -r $<
	touch $@

## preflight: offline preview of every stack in stacks/, checked by the policy pack in policies/
preflight: env
	$(PY) -m preflight --all

## check-pins: with your AWS credentials, print every add-on and AMI pin of stack_config/pins.yaml that AWS does
## not offer (aws eks describe-addon-versions, aws ssm get-parameter) [REGION=eu-west-1]
check-pins: env
	$(PY) -m eks_variants.check_pins $(if $(REGION),--region "$(REGION)")

## report: regenerate docs/variants/ (per stack: plan, network diagram, monthly cost, policy results; index.md)
report: env
	rm -rf docs/variants
	$(PY) -m preflight --all --report docs/variants > /dev/null

## policy-pages: regenerate docs/policies/<id>.md from the rule modules (policies/guardrails/rules/)
policy-pages: env
	PYTHONPATH=policies $(PY) tools/policy_pages.py

## test: the whole test suite (program under mocks, preflight, policies end to end)
test: env program-envs
	$(PY) -m pytest -q

## test-fast: the unit and program tests only (~25 s of CPU; no program-envs, no Pulumi CLI): every test not
## marked slow (the selection is FAST in tests/conftest.py; docs/benchmarks.md has the measurements)
test-fast: env
	$(PY) -m pytest -q -m "not slow"

## pulumi-cli: the real Pulumi CLI at the release pinned in tools/pulumi-cli/go.mod, built from Pulumi's Go
## modules into build/tools/ (needs Go; a cold build takes ~6 minutes on 2 cores), or a `pulumi` on PATH of that
## minor version or newer, linked there instead
pulumi-cli:
	tools/pulumi-cli/build.sh build/tools

## policy-venv: the policy pack's own virtualenv, policies/venv (PulumiPolicy.yaml's runtime.options.virtualenv),
## from policies/requirements.txt: what the CLI runs the pack with
policy-venv: policies/venv/.installed

policies/venv/.installed: policies/requirements.txt
	rm -rf policies/venv
	$(PYTHON) -m venv policies/venv
	policies/venv/bin/python -m pip install --quiet --disable-pip-version-check -r policies/requirements.txt
	touch $@

## conformance: preflight and the pack against the real Pulumi CLI (tests/conformance/); builds the CLI and the
## pack's virtualenv first, and fails rather than skips when either is missing
conformance: env program-envs pulumi-cli policy-venv
	EKS_VARIANTS_REQUIRE_PULUMI_CLI=1 $(PY) -m pytest -q tests/conformance

## fuzz: every generated malformed input through python -m preflight (make test runs a sample)
fuzz: env
	$(PY) -m tests.fuzz.fuzz_all
	PREFLIGHT_FUZZ_EXAMPLES=200 $(PY) -m pytest -q -p no:warnings tests/fuzz/test_state_properties.py \
		tests/fuzz/test_config_properties.py tests/fuzz/test_facts_properties.py

## bench: performance figures (preflight wall time, policy-pack scaling, the real CLI beside preflight)
bench: env pulumi-cli policy-venv
	$(PY) bench/preflight_bench.py
	$(PY) bench/policy_bench.py
	$(PY) bench/export_bench.py
	$(PY) bench/report_bench.py
	$(PY) bench/cli_bench.py
	$(PY) bench/mechanisms_bench.py

## stack: a team stack file: make stack NAME=payments VARIANT=private-managed REGION=eu-west-1 [SET="nodes.maxSize=6 ..."]
## [ACCESS="arn:aws:iam::<account>:role/payments-admins=cluster-admin ..."] [VPC_POOL=10.64.0.0/10]
stack: env
	@test -n "$(NAME)" -a -n "$(VARIANT)" -a -n "$(REGION)" || { echo "usage: make stack NAME=<team> VARIANT=<mode>-<plane> REGION=<region> [SET=\"key=value ...\"]" >&2; exit 2; }
	$(PY) -m eks_variants new-stack "$(NAME)" --variant "$(VARIANT)" --region "$(REGION)" $(foreach s,$(SET),--set "$(s)") \
	    $(foreach a,$(ACCESS),--access-entry "$(a)") $(if $(VPC_POOL),--vpc-pool "$(VPC_POOL)")

## schema: regenerate docs/stack-file.schema.json from the config model (stack_config/)
schema: env
	$(PY) -m eks_variants schema

## team-template: build the lean `pulumi new` template for teams in out/team-template (replaced if present)
team-template: env
	rm -rf out/team-template
	$(PY) -m eks_variants team-template out/team-template

## lock: re-resolve requirements.in into requirements.lock (needs uv: pip install uv)
lock:
	uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock

## clean: remove .venv, the test cache, the test programs' and the pack's virtualenvs and the built CLI
clean:
	rm -rf $(VENV) .pytest_cache tests/preflight/fixtures/program_envs/*/venv policies/venv build/tools
