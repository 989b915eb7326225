"""--policy-config changes, through preflight's analyzer client (the CLI's Configure call)."""
from __future__ import annotations

import json

import grpc
import pytest

from tests.policies.fixture_cases import PROGRAM, Case
from preflight.analyzer.pack_process import PolicyPackProcess
from preflight.program.record import record_program

from tests.policies.policy_test_helpers import PACK
from tests.policies.policy_test_helpers import mandatory
from tests.policies.config_name_cases import ALIASES, NAMES, failing_case, misspellings
from guardrails.config_names import alias_note
from preflight.errors import InputError
from preflight.analyzer.pack_process import NOTE_METADATA
from preflight.inputs.policy_config import configure_request, parse_policy_config, reconcile_config

VALID = Case("private", "managed")
NO_DKR = Case("private", "managed", "no-ecr-dkr", "eks-isolated-nodes-privatelink")


def run(case, form, config):
    st = record_program(PROGRAM, "fixture", case.config(form), preview=True)
    with PolicyPackProcess(PACK, config) as pack:
        return pack.analyze(st)


@pytest.mark.parametrize("form", ["raw", "component"])
def test_extra_required_service(form):
    cfg = {"eks-isolated-nodes-privatelink": {"requiredServices": ["ec2", "ecr.api", "ecr.dkr", "sts", "logs"]}}
    vs = run(VALID, form, cfg)
    assert mandatory(vs) == ["eks-isolated-nodes-privatelink"]
    assert "logs" in [v for v in vs if v.policy == "eks-isolated-nodes-privatelink"][0].message


def test_policy_disabled():
    vs = run(NO_DKR, "raw", {"eks-isolated-nodes-privatelink": "disabled"})
    assert mandatory(vs) == [] and not [v for v in vs if v.policy == "eks-isolated-nodes-privatelink"]


def test_policy_advisory_instead_of_mandatory():
    vs = run(NO_DKR, "raw", {"eks-isolated-nodes-privatelink": {"enforcementLevel": "advisory"}})
    assert mandatory(vs) == []
    assert [v.enforcement_level for v in vs if v.policy == "eks-isolated-nodes-privatelink"] == ["advisory"]


def test_allowed_cidrs_setting():
    case = Case("public-private", "managed")  # publicAccessCidrs 203.0.113.0/24
    vs = run(case, "raw", {"eks-public-access-cidrs": {"allowedCidrs": ["198.51.100.0/24"]}})
    assert [v.enforcement_level for v in vs if v.policy == "eks-public-access-cidrs"] == ["advisory"]


# -- config keys naming no policy (contracts.md §5: an error naming the key; old names are aliases) -----------

def configure(pack, config: dict) -> tuple[object, list[str]]:
    """Configure the running pack with `config` as the CLI reconciles it; (the call, its notes)."""
    effective, errors = reconcile_config(pack.info, parse_policy_config(json.dumps(config)))
    assert not errors
    _, call = pack.stub.Configure.with_call(configure_request(effective))
    return call, [v for k, v in call.trailing_metadata() or () if k == NOTE_METADATA]


@pytest.mark.parametrize("old", sorted(ALIASES))
@pytest.mark.parametrize("level", ["disabled", "advisory"])
def test_an_old_policy_name_applies_to_its_policy_with_a_note(old, level):
    new = ALIASES[old]
    case = failing_case(new)
    st = record_program(PROGRAM, "fixture", case.config("raw"), preview=True)
    with PolicyPackProcess(PACK, {old: level}) as pack:
        vs = pack.analyze(st)
        notes, warnings = pack.notes, pack.warnings
    assert notes == [alias_note(old, new)] and f'"{old}"' in notes[0] and not warnings
    assert new not in mandatory(vs)
    assert sorted({v.enforcement_level for v in vs if v.policy == new}) == ([] if level == "disabled" else [level])


def test_an_old_name_s_properties_apply_to_its_policy():
    old = next(k for k, v in ALIASES.items() if v == "eks-isolated-nodes-privatelink")
    services = ["ec2", "ecr.api", "ecr.dkr", "sts", "logs"]
    vs = run(VALID, "raw", {old: {"enforcementLevel": "mandatory", "requiredServices": services}})
    assert mandatory(vs) == ["eks-isolated-nodes-privatelink"]
    assert "logs" in [v for v in vs if v.policy == "eks-isolated-nodes-privatelink"][0].message


def test_every_misspelt_policy_name_fails_configure_naming_it(pack):
    """One pack process, Configure called with each misspelling (the CLI sends the key on as given)."""
    cases = misspellings()
    assert len(cases) == 2 * (len(NAMES) + len(ALIASES))
    for key, source in cases:
        with pytest.raises(grpc.RpcError) as e:
            configure(pack, {key: "advisory"})
        assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT, key
        assert f'"{key}"' in e.value.details(), (key, e.value.details())
        assert f'(did you mean "{ALIASES.get(source, source)}"?)' in e.value.details(), (key, e.value.details())
    configure(pack, {})  # the session's pack back to its defaults


def test_all_and_every_policy_s_defaults_are_accepted(pack):
    """The CLI sends "all" on and an entry for every policy (ReconcilePolicyPackConfig): no key refused."""
    call, notes = configure(pack, {"all": "advisory", **{name: "mandatory" for name in NAMES}})
    assert notes == []
    configure(pack, {})


def test_several_unknown_keys_are_named_in_one_error():
    with pytest.raises(InputError) as e:
        with PolicyPackProcess(PACK, {"bogus": "advisory", "eks-resource-nmaes": "disabled", "all": "advisory"}):
            pass
    assert e.value.lines() == ['policy config: policy config names no policy of pack eks-network-guardrails: '
                               '"bogus", "eks-resource-nmaes" (did you mean "eks-resource-names"?)']


@pytest.mark.parametrize("key", [sorted(ALIASES)[0], "eks-isolated-nodes-privatelnk"])
def test_a_key_naming_no_policy_without_a_level_is_refused_as_the_cli_refuses_it(key):
    """The CLI's Configure fails with `invalid enforcement level ""` before the pack sees such a key."""
    with pytest.raises(InputError) as e:
        with PolicyPackProcess(PACK, {key: {"requiredServices": ["ec2"]}}):
            pass
    [line] = e.value.lines()
    assert line.startswith(f'policy config: policy config key "{key}" names no policy of pack eks-network-guardrails')
    assert "sets no enforcementLevel" in line and 'invalid enforcement level ""' in line
    if key not in ALIASES:
        assert '(did you mean "eks-isolated-nodes-privatelink"?)' in line
