"""Amazon SNS Publish: the organization's topics, AWS's limits, faults, and what was kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Faults, MessageAttribute, Sandbox, SandboxConfig

from .clients import SandboxFactory, assume, client, raw
from .test_faithfulness import assert_faithful
from .wiremodel import Recorder

REGION = "us-east-1"
MAX = 262_144


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    """Three active accounts; every test leaves no faults and no messages behind."""
    with Sandbox(SandboxConfig(members=2, jobs_per_region=10)) as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(org: Sandbox) -> Iterator[None]:
    yield
    org.set_faults(Faults())
    org.clear_published()


def topic(sandbox: Sandbox, account: str | None = None, region: str = REGION) -> str:
    return f"arn:aws:sns:{region}:{account or sandbox.dataset.management_account_id}:backup-alerts"


def refused(sandbox: Sandbox, account: str | None = None, **params: Any) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a Publish that must fail."""
    sns = client(sandbox, "sns", account, params.pop("region", REGION), validate=False)
    params.setdefault("TopicArn", topic(sandbox, account))
    with pytest.raises(ClientError) as raised:
        sns.publish(**params)
    response = raised.value.response
    return (
        str(response["Error"]["Code"]),
        str(response["Error"]["Message"]),
        int(response["ResponseMetadata"]["HTTPStatusCode"]),
    )


def test_every_active_account_has_the_topic_in_every_data_region(org: Sandbox) -> None:
    dataset = org.dataset
    assert org.topics == {
        topic(org, account.id, region)
        for account in dataset.active_accounts
        for region in dataset.regions
    }
    assert len(org.topics) == 3 * 2


def test_a_publish_is_kept_as_it_was_sent(org: Sandbox) -> None:
    sns = client(org, "sns")
    before = datetime.now(UTC)
    sent = sns.publish(
        TopicArn=topic(org),
        Subject="backupctl: 3 failed jobs",
        Message="💾 line one\nline two \x1b[31m",
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "report"},
            "failures": {"DataType": "Number", "StringValue": "3"},
            "accounts": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        },
    )
    [kept] = org.published()
    assert kept.message_id == sent["MessageId"]
    assert (kept.topic_arn, kept.account_id, kept.region) == (
        topic(org), org.dataset.management_account_id, REGION
    )  # fmt: skip
    assert (kept.subject, kept.message) == (
        "backupctl: 3 failed jobs",
        "💾 line one\nline two \x1b[31m",
    )
    assert kept.attributes == {
        "kind": MessageAttribute("String", string_value="report"),
        "failures": MessageAttribute("Number", string_value="3"),
        "accounts": MessageAttribute("String.Array", string_value='["a", "b"]'),
        "blob": MessageAttribute("Binary", binary_value=b"\x00\xff"),
    }
    assert before <= kept.published_at <= datetime.now(UTC) + timedelta(seconds=1)
    sns.publish(TopicArn=topic(org), Message="no subject")
    assert [p.subject for p in org.published()] == ["backupctl: 3 failed jobs", None]
    assert org.published(topic(org, region="eu-west-1")) == ()


def test_the_message_limit_counts_utf8_bytes_and_attributes(org: Sandbox) -> None:
    sns = client(org, "sns")
    sns.publish(TopicArn=topic(org), Message="é" * (MAX // 2))  # 262,144 bytes exactly
    too_long = ("InvalidParameter", "Invalid parameter: Message too long", 400)
    assert refused(org, Message="é" * (MAX // 2) + "x") == too_long
    attribute = {"n": {"DataType": "String", "StringValue": "v"}}  # 1 + 6 + 1 bytes
    sns.publish(TopicArn=topic(org), Message="x" * (MAX - 8), MessageAttributes=attribute)
    assert refused(org, Message="x" * (MAX - 7), MessageAttributes=attribute) == too_long
    assert refused(org, Message="") == ("InvalidParameter", "Invalid parameter: Empty message", 400)
    assert len(org.published()) == 2


@pytest.mark.parametrize(
    ("subject", "accepted"),
    [
        ("x" * 100, True),
        ("Backup report: all clear (7 accounts, 2 regions) [ok]", True),
        ("x" * 101, False),
        ("", False),
        ("two\nlines", False),
        ("a\ttab", False),
        ("\x1b[31mred", False),
        (" leading space", False),
        ("café", False),
    ],
)
def test_subjects(org: Sandbox, subject: str, accepted: bool) -> None:
    if accepted:
        client(org, "sns").publish(TopicArn=topic(org), Message="m", Subject=subject)
        assert org.published()[-1].subject == subject
    else:
        assert refused(org, Message="m", Subject=subject) == (
            "InvalidParameter", "Invalid parameter: Subject", 400,
        )  # fmt: skip
        assert org.published() == ()


def test_whose_topics_and_where(org: Sandbox) -> None:
    member = org.dataset.active_accounts[1].id
    code, message, status = refused(org, Message="m", TopicArn=topic(org, member))
    assert (code, status) == ("AuthorizationError", 403)
    assert f"SNS:Publish on resource: {topic(org, member)}" in message
    assert refused(org, Message="m", TopicArn=topic(org).replace("backup-alerts", "other")) == (
        "NotFound", "Topic does not exist", 404,
    )  # fmt: skip
    assert refused(org, Message="m", region="us-west-2", TopicArn=topic(org, region="us-west-2"))[
        :2
    ] == ("NotFound", "Topic does not exist")  # no data there, so no topic
    for arn in (topic(org, region="eu-west-1"), "arn:aws:sns:us-east-1:12:x", "backup-alerts"):
        assert refused(org, Message="m", TopicArn=arn)[:2] == (
            "InvalidParameter", "Invalid parameter: TopicArn",
        )  # fmt: skip
    # The member's own role publishes to the member's topic.
    creds = assume(org, member)
    client(org, "sns", credentials=creds).publish(TopicArn=topic(org, member), Message="m")
    assert [p.account_id for p in org.published()] == [member]


def test_message_structure_json(org: Sandbox) -> None:
    body = json.dumps({"default": "plain", "email": "longer"})
    client(org, "sns").publish(TopicArn=topic(org), Message=body, MessageStructure="json")
    assert org.published()[-1].message_structure == "json"
    for message, reason in (
        ('{"email": "x"}', "No default entry in JSON message body"),
        ("not json", "JSON message body failed to parse"),
    ):
        code, text, _ = refused(org, Message=message, MessageStructure="json")
        assert (code, text) == (
            "InvalidParameter",
            f"Invalid parameter: Message Structure - {reason}",
        )
    assert (
        refused(org, Message="m", MessageStructure="xml")[1]
        == "Invalid parameter: MessageStructure"
    )


@pytest.mark.parametrize(
    ("attributes", "wording"),
    [
        ({"a": {"DataType": "Text", "StringValue": "v"}}, "invalid message attribute type"),
        ({"a": {"DataType": "String", "StringValue": ""}}, "non-empty message attribute value"),
        ({"a": {"DataType": "Number", "StringValue": "three"}}, "value to number"),
        ({"a": {"DataType": "String.Array", "StringValue": "x"}}, "valid JSON array"),
        ({"AWS.x": {"DataType": "String", "StringValue": "v"}}, "Invalid attribute name"),
        ({"a..b": {"DataType": "String", "StringValue": "v"}}, "Invalid attribute name"),
    ],
)
def test_malformed_attributes_are_refused(
    org: Sandbox, attributes: dict[str, Any], wording: str
) -> None:
    code, message, status = refused(org, Message="m", MessageAttributes=attributes)
    assert (code, status) == ("ParameterValueInvalid", 400)
    assert wording in message


def test_what_botocore_would_not_send(org: Sandbox) -> None:
    form = f"Action=Publish&Version=2010-03-31&TopicArn={topic(org)}".encode()
    status, _, body = raw(org, "POST", "/", service="sns", body=form)
    assert status == 400 and b"<Code>ValidationError</Code>" in body
    status, _, body = raw(org, "POST", "/", service="sns", body=b"Action=CreateTopic&Name=x")
    assert status == 400 and b"<Code>InvalidAction</Code>" in body
    assert refused(org, Message="m", TopicArn="")[1] == (
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"
    )


def test_faults(org: Sandbox) -> None:
    member = org.dataset.active_accounts[1].id
    org.set_faults(Faults(sns_fail_topics=frozenset({topic(org)})))
    assert refused(org, Message="m") == ("InternalError", "Internal Error", 500)
    client(org, "sns", member).publish(TopicArn=topic(org, member), Message="m")
    org.set_faults(Faults(sns_fail_topics=frozenset({"backup-alerts"})))  # a name: everywhere
    assert org.faults.sns_fail_topics == org.topics
    assert refused(org, member, Message="m")[0] == "InternalError"
    assert org.counters.faults["sns_fail"] >= 2
    org.set_faults(Faults(throttle_rate=1.0))
    assert refused(org, Message="m") == ("Throttling", "Rate exceeded", 400)
    org.set_faults(Faults(error_rate=1.0))
    assert refused(org, Message="m")[0] == "InternalError"
    assert [p.account_id for p in org.published()] == [member]  # refused ones are not kept
    with pytest.raises(ValueError, match="no SNS topic"):
        org.set_faults(Faults(sns_fail_topics=frozenset({"arn:aws:sns:us-east-1:1:nope"})))


def test_topic_names_are_configurable(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=1, jobs_per_region=5, sns_topics=("ops", "reports"))
    management = sandbox.dataset.management_account_id
    assert f"arn:aws:sns:eu-west-1:{management}:reports" in sandbox.topics
    assert not any(arn.endswith(":backup-alerts") for arn in sandbox.topics)
    with pytest.raises(ValueError, match="topic name"):
        SandboxConfig(sns_topics=("bad name",))


def test_publishes_are_counted_and_readable_from_another_process(org: Sandbox) -> None:
    org.counters.reset()
    client(org, "sns").publish(TopicArn=topic(org), Message="m", Subject="s")
    key = ("sns", "Publish", org.dataset.management_account_id, REGION)
    assert org.counters.requests == {key: 1}
    status, _, body = raw(org, "GET", "/_sandbox/published")
    assert status == 200
    [published] = json.loads(body)
    assert published == org.published()[0].as_json()
    assert (published["Subject"], published["Message"]) == ("s", "m")


def test_every_response_matches_the_model(org: Sandbox) -> None:
    recorder = Recorder()
    sns = client(org, "sns", recorder=recorder, validate=False)
    sns.publish(TopicArn=topic(org), Message="m", Subject="s")
    calls: list[dict[str, Any]] = [
        {"TopicArn": topic(org), "Message": ""},
        {"TopicArn": topic(org, org.dataset.active_accounts[1].id), "Message": "m"},
        {"TopicArn": topic(org).replace("backup-alerts", "x"), "Message": "m"},
        {"TopicArn": topic(org), "Message": "m", "MessageAttributes": {"a": {"DataType": "X"}}},
    ]
    for params in calls:
        with pytest.raises(ClientError):
            sns.publish(**params)
    for faults in (Faults(throttle_rate=1.0), Faults(error_rate=1.0)):
        org.set_faults(faults)
        with pytest.raises(ClientError):
            sns.publish(TopicArn=topic(org), Message="m")
    bogus = {"AccessKeyId": "AKIA000000000000ZZZZ", "SecretAccessKey": "x"}
    with pytest.raises(ClientError):
        client(org, "sns", credentials=bogus, recorder=recorder).publish(
            TopicArn=topic(org), Message="m"
        )
    assert len(recorder.responses) == 8
    assert_faithful(recorder)
