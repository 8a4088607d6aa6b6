"""Amazon SNS Publish: one attempt per call (``app.delivery`` retries every kind of target
alike), as the caller, through the same profile and credential chain as every call."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
)

from backupctl.aws.errors import translate
from backupctl.aws.sessions import Connector
from backupctl.domain.errors import BackupctlError, DeliveryError, ThrottledError


class SnsPublisher:
    """Publishes to topics with ``connector``'s clients (one per topic's region)."""

    def __init__(self, connector: Connector) -> None:
        self._connector = connector

    def publish(self, topic_arn: str, region: str, subject: str, message: str) -> None:
        """Publish ``message`` under ``subject``; DeliveryError if SNS did not take it."""
        try:
            client: Any = self._connector.client("sns", region)
            client.publish(TopicArn=topic_arn, Subject=subject, Message=message)
        except ClientError as error:
            raise _refused(error) from None
        except (ConnectTimeoutError, ReadTimeoutError):
            raise DeliveryError("SNS did not answer in time", retryable=True) from None
        except ConnectionError as error:
            raise DeliveryError(f"could not reach SNS: {error}", retryable=True) from None
        except (BotoCoreError, BackupctlError) as error:  # credentials, region, profile
            raise DeliveryError(str(translate(error))) from None


def _refused(error: ClientError) -> DeliveryError:
    """SNS's answer: throttling and server errors may pass; the rest (no such topic, not
    authorized, a bad parameter) will not."""
    found = error.response.get("Error", {})
    code = str(found.get("Code") or "Unknown")
    message = str(found.get("Message") or "").strip()
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    retryable = isinstance(translate(error), ThrottledError) or (
        isinstance(status, int) and status >= 500
    )
    return DeliveryError(
        f"SNS answered {code}" + (f": {message}" if message else ""), retryable=retryable
    )
