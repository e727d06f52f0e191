"""sip-lsp.toml loading, validation, discovery and editor-setting merges."""

from __future__ import annotations

import os

import pytest

from sip_lsp.config import ConfigError, Settings, find_config, load_config


def write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_full_file(tmp_path):
    cfg = write(
        tmp_path / "sip-lsp.toml",
        """
select = ["SC1", "retry-after-global-failure"]
ignore = ["SC103"]
catalogs = ["vendor.yaml"]
inlay-hints = false
max_file_size = 1000
[severity]
SC303 = "warning"
SC306 = "off"
SC1 = "info"
[dialects]
"*.routing" = "opensips"
"conf/*.cfg" = "kamailio"
""",
    )
    s = load_config(cfg)
    assert s.select == ("SC1", "retry-after-global-failure") and s.ignore == ("SC103",)
    assert s.catalogs == (str(tmp_path / "vendor.yaml"),)
    assert s.inlay_hints is False and s.max_file_size == 1000
    assert s.severity == {"SC303": "warning", "SC306": "off", "SC1": "information"}
    assert s.dialects == {"*.routing": "opensips", str(tmp_path / "conf/*.cfg"): "kamailio"}
    assert s.source == cfg
    assert not s.enabled("SC306", "unanchored-status-pattern")
    assert not s.enabled("SC103", "deprecated-code")
    assert s.enabled("SC301", "retry-after-global-failure") and not s.enabled("SC302", "retry-after-cancel")


@pytest.mark.parametrize(
    "text, field, problem",
    [
        ("select = [", "", "TOML syntax error"),
        ("colour = 1", "colour", "unknown field"),
        ("select = 3", "select", "expected a list of strings, got an integer"),
        ("ignore = ['SC3!']", "ignore", "is not a rule id"),
        ("inlay-hints = 'yes'", "inlay-hints", "expected true or false"),
        ("max-file-size = -5", "max-file-size", "positive integer"),
        ("[severity]\nSC301 = 'loud'", "severity.SC301", "'loud' is not one of error, warning"),
        ("severity = 'warning'", "severity", "expected a table"),
        ("[dialects]\n'*.cfg' = 'ser'", "dialects.*.cfg", "'ser' is not one of kamailio"),
    ],
)
def test_bad_files_name_field_and_problem(tmp_path, text, field, problem):
    cfg = write(tmp_path / "sip-lsp.toml", text)
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert err.value.file == cfg and err.value.field == field
    assert problem in err.value.problem
    assert str(err.value).startswith(f"{cfg}: ")


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(str(tmp_path / "missing.toml"))


def test_find_config_walks_up(tmp_path):
    cfg = write(tmp_path / "sip-lsp.toml", "")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    target = write(deep / "kamailio.cfg", "")
    assert find_config(target) == cfg
    assert find_config(str(deep)) == cfg
    assert load_config(cfg) == Settings(source=cfg)


def test_find_config_none(tmp_path):
    lonely = tmp_path / "x.cfg"
    lonely.write_text("")
    found = find_config(str(lonely))
    assert found is None or not found.startswith(str(tmp_path))


def test_merged_editor_settings():
    base = Settings(select=("SC1",), severity={"SC101": "error"}, dialects={"*.a": "kamailio"})
    s = base.merged(
        {
            "select": ["SC3"],
            "ignore": "SC303, SC304",
            "severity": {"SC102": "hint"},
            "dialects": {"*.b": "asterisk"},
            "inlayHints": False,
            "maxFileSize": 10,
            "catalogs": ["/x.yaml"],
            "trace": {"server": "verbose"},
        }
    )
    assert s.select == ("SC3",) and s.ignore == ("SC303", "SC304")
    assert s.severity == {"SC101": "error", "SC102": "hint"}
    assert s.dialects == {"*.a": "kamailio", "*.b": "asterisk"}
    assert (s.inlay_hints, s.max_file_size, s.catalogs) == (False, 10, ("/x.yaml",))
    assert base.merged({}) == base


def test_merged_rejects_wrong_types():
    with pytest.raises(ConfigError, match="inlayHints"):
        Settings().merged({"inlayHints": "no"})


def test_paths_in_catalogs_are_relative_to_the_file(tmp_path):
    sub = tmp_path / "cfg"
    sub.mkdir()
    cfg = write(sub / "sip-lsp.toml", 'catalogs = ["../codes/vendor.yaml"]')
    assert load_config(cfg).catalogs == (os.path.join(str(sub), "../codes/vendor.yaml"),)
