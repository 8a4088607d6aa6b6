"""What ``--region all`` left out, in lines for stderr (under ``--verbose`` or ``--debug``).

Opt-in regions an account has not enabled are expected when every region was asked for:
a clean run says nothing of them, so cron mails nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from backupctl.domain.targets import ALL_ACCOUNTS, Plan, Target


def skipped_lines(plan: Plan, answered: Sequence[Target]) -> list[str]:
    """The regions not read because the accounts have not enabled them, the accounts whose
    enabled regions could not be learnt, and the regions that answered "not enabled"."""
    lines = []
    by_regions: dict[tuple[str, ...], list[str]] = {}
    for account, regions in plan.not_enabled.items():
        by_regions.setdefault(regions, []).append(account)
    for regions, accounts in sorted(by_regions.items(), key=lambda item: sorted(item[1])):
        lines.append(f"not read: regions not enabled for {_who(accounts)}: {', '.join(regions)}")
    by_reason: dict[str, list[str]] = {}
    for account, error in plan.regions_unknown.items():
        by_reason.setdefault(error.reason, []).append(account)
    for reason, accounts in sorted(by_reason.items()):
        lines.append(
            f"could not list the regions enabled for {_who(accounts)} ({reason}): every "
            'region is read, and one that answers "not enabled" is skipped'
        )
    by_account: dict[str, set[str]] = {}
    for target in answered:
        by_account.setdefault(target.account_id, set()).add(target.region)
    for account, answering in sorted(by_account.items()):
        said = ", ".join(sorted(answering))
        lines.append(f'skipped: regions that answered "not enabled" for {_who([account])}: {said}')
    return lines


def _who(accounts: Iterable[str]) -> str:
    ids = sorted(accounts)
    if ids == [ALL_ACCOUNTS]:
        return "the caller's account"
    return ("account " if len(ids) == 1 else "accounts ") + ", ".join(ids)
