"""The AWS layer: the only place that imports boto3 and botocore, and tenacity but for the
retries of notifications (``app/delivery.py``), which are not all AWS calls."""
