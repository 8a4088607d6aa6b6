"""The config file: settings, named lists, and one clear line for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from backupctl.domain.errors import UsageError
from backupctl.local.config import Config, default_path, load

GOOD = """\
role = "OrganizationAccountAccessRole"
regions = ["us-east-1", "eu-west-1"]
accounts = ["@prod"]
concurrency = 16
output = "json"

[lists]
prod = ["111111111111", "222222222222"]

[names]
"111111111111" = "prod-payments"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD))
    assert config.role == "OrganizationAccountAccessRole"
    assert config.regions == ("us-east-1", "eu-west-1")
    assert config.concurrency == 16
    assert config.output == "json"
    assert config.names == {"111111111111": "prod-payments"}
    assert config.expand_accounts(config.accounts) == ("111111111111", "222222222222")
    assert config.expand_accounts(["@prod", "333333333333"])[-1] == "333333333333"


def test_an_unknown_list_is_a_usage_error(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD))
    with pytest.raises(UsageError, match=r"no list '@dev'.*lists: @prod"):
        config.expand_accounts(["@dev"])


def test_no_default_file_is_no_error(tmp_path: Path) -> None:
    assert load(tmp_path / "missing.toml") == Config()


def test_a_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load(tmp_path / "missing.toml", explicit=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('role = "x"\nregion = ["us-east-1"]\n', r"line 2: 'region' is not a setting"),
        ("concurrency = 'many'\n", r"line 1: 'concurrency' must be a int"),
        ("concurrency = 0\n", r"line 1: 'concurrency' must be between 1 and 256"),
        ('\n\nregions = "us-east-1"\n', r"line 3: 'regions' must be a list of strings"),
        ("[lists]\nprod = 3\n", r"line 2: 'prod' must be a list of account ids"),
        ("role = \n", r"not valid TOML: .*line 1"),
        ("output = true\n", r"'output' must be a str"),
    ],
)
def test_mistakes_name_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UsageError, match=message) as info:
        load(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_default_path_follows_xdg(tmp_path: Path) -> None:
    assert (
        default_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "backupctl" / "config.toml"
    )
    home = {"XDG_CONFIG_HOME": "relative", "HOME": str(tmp_path)}
    assert default_path(home) == tmp_path / ".config" / "backupctl" / "config.toml"
