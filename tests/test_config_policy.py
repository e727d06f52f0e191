"""`[policy]` in sip-lsp.toml and `policy` in editor settings: patterns, bad keys, what still applies."""

from __future__ import annotations

import pytest

from sip_lsp.config import ConfigError, Settings, code_set, load_config
from sip_lsp.model import Local


def _load(tmp_path, body: str) -> Settings:
    config = tmp_path / "sip-lsp.toml"
    config.write_text(body, encoding="utf-8")
    return load_config(str(config))


def test_patterns_name_codes_classes_ranges_and_local_cases():
    found = code_set(
        "f", "policy.never-retry", ["487", "6xx", "500-502", "timeout", "Cancelled", "no-destination"]
    )
    assert found.codes == frozenset({487, 500, 501, 502, *range(600, 700)})
    assert found.local == {Local.TIMEOUT, Local.CANCELLED, Local.NO_DESTINATION}
    assert found.patterns == ("487", "6xx", "500-502", "timeout", "Cancelled", "no-destination")
    assert code_set("f", "k", "5XX, 408").codes == frozenset(
        {408, *range(500, 600)}
    )  # a string: comma-separated


@pytest.mark.parametrize(
    "bad", ["48x", "200", "1xx", "7xx", "999", "600-500", "299-310", "later", "", "4 87"]
)
def test_a_bad_pattern_names_the_file_the_key_and_the_pattern(bad):
    with pytest.raises(ConfigError) as caught:
        code_set("conf/sip-lsp.toml", "policy.retry-only", ["5xx", bad] if bad else [""])
    message = str(caught.value)
    assert message.startswith("conf/sip-lsp.toml: field 'policy.retry-only': ")
    assert repr(bad.strip()) in message or bad == ""


def test_the_three_keys_load(tmp_path):
    settings = _load(
        tmp_path,
        '[policy]\nnever-retry = ["6xx", "487"]\nretry_only = ["5xx", "408"]\nmust-reach-caller = ["6xx"]\n',
    )
    policy = settings.policy
    assert (
        policy.never_retry is not None and 603 in policy.never_retry.codes and 487 in policy.never_retry.codes
    )
    assert policy.retry_only is not None and policy.retry_only.codes == frozenset({408, *range(500, 600)})
    assert policy.must_reach_caller is not None and policy.must_reach_caller.patterns == ("6xx",)
    assert settings.problems == ()


def test_no_policy_is_empty(tmp_path):
    assert not _load(tmp_path, 'select = ["SC3"]\n').policy
    assert not Settings().policy


def test_a_bad_key_or_pattern_is_left_out_and_the_rest_applies(tmp_path):
    settings = _load(
        tmp_path,
        'ignore = ["SC303"]\n[policy]\nnever-retry = ["6xx"]\nretry-only = ["5xx", "48x"]\n'
        'sometimes = ["5xx"]\nmust-reach-caller = 6\n',
    )
    assert settings.ignore == ("SC303",)
    assert settings.policy.never_retry is not None  # the good key applies
    assert settings.policy.retry_only is None  # a partial retry-only would report codes the user allowed
    assert settings.policy.must_reach_caller is None
    fields = sorted(p.field for p in settings.problems)
    assert fields == ["policy.must-reach-caller", "policy.retry-only", "policy.sometimes"]
    assert all(p.file.endswith("sip-lsp.toml") for p in settings.problems)
    assert "an integer" in str(next(p for p in settings.problems if p.field == "policy.must-reach-caller"))


def test_policy_that_is_not_a_table(tmp_path):
    settings = _load(tmp_path, 'policy = "strict"\nignore = ["SC303"]\n')
    assert not settings.policy and settings.ignore == ("SC303",)
    [problem] = settings.problems
    assert problem.field == "policy" and "a string" in str(problem)


def test_editor_settings_override_key_by_key_and_unset_keys_keep_the_file(tmp_path):
    base = _load(tmp_path, '[policy]\nnever-retry = ["6xx"]\nretry-only = ["5xx"]\n')
    merged = base.merged_each(
        {"policy": {"neverRetry": None, "retryOnly": ["5xx", "408"], "mustReachCaller": ["603"]}}
    )
    policy = merged.settings.policy
    assert policy.never_retry is not None and policy.never_retry.patterns == ("6xx",)  # null: the file's
    assert policy.retry_only is not None and policy.retry_only.patterns == ("5xx", "408")
    assert policy.must_reach_caller is not None and policy.must_reach_caller.codes == frozenset({603})
    assert merged.problems == ()


def test_a_bad_editor_policy_key_is_reported_alone():
    merged = Settings().merged_each(
        {"ignore": ["SC303"], "policy": {"neverRetry": ["6xx"], "retryOnly": ["5x"], "never-retry": 1}}
    )
    assert merged.settings.ignore == ("SC303",)
    assert merged.settings.policy.retry_only is None
    assert sorted(p.field for p in merged.problems) == ["policy.never-retry", "policy.retryOnly"]
    assert all(p.file == "editor settings" for p in merged.problems)
    with pytest.raises(ConfigError):
        Settings().merged({"policy": {"retryOnly": ["5x"]}})
    assert Settings().merged_each({"policy": ["6xx"]}).problems[0].field == "policy"
